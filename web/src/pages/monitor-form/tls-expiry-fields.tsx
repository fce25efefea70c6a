import { CheckboxField } from "../../components/checkbox-field";
import { Field } from "../../components/form";
import type { FieldsProps } from "./fields-props";

/**
 * TlsExpiryFields are when to alert before the certificate expires (HTTPS and TLS over TCP):
 * days before expiry, or not at all.
 */
export function TlsExpiryFields({ values, errors, onChange, onBlur }: FieldsProps) {
  return (
    <div className="grid gap-3 sm:col-span-2 sm:grid-cols-2">
      <Field
        label="Certificate expiry alerts (days before)"
        hint="Alert the channels this many days before the certificate expires: up to 5 numbers, 1 to 365. Empty: 14 and 3."
        inputMode="numeric"
        disabled={values.tlsExpiryAlertsOff}
        value={values.tlsExpiryDays}
        onChange={(e) => onChange("tlsExpiryDays", e.target.value)}
        onBlur={() => onBlur("tlsExpiryDays")}
        error={errors.tlsExpiryDays}
      />
      <CheckboxField
        label="No certificate expiry alerts"
        className="sm:mt-7"
        checked={values.tlsExpiryAlertsOff}
        onChange={(e) => onChange("tlsExpiryAlertsOff", e.target.checked)}
      />
    </div>
  );
}
