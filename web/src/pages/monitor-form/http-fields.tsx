import { CheckboxField } from "../../components/checkbox-field";
import { Field } from "../../components/form";
import { SelectField } from "../../components/select-field";
import { ConditionsEditor } from "./conditions-editor";
import type { FieldsProps } from "./fields-props";
import { METHODS, usesCertificate } from "./form-values";
import { TlsExpiryFields } from "./tls-expiry-fields";

/**
 * HttpFields are an HTTP monitor's: URL, method, expected status, keyword, redirects, TLS
 * errors, conditions, and for HTTPS the certificate expiry alerts.
 */
export function HttpFields(props: FieldsProps) {
  const { values, errors, onChange, onBlur } = props;
  // A method set through the API that the list lacks stays selectable, so saving keeps it.
  const methods = (METHODS as readonly string[]).includes(values.method)
    ? METHODS
    : [...METHODS, values.method];
  return (
    <>
      <Field
        label="URL"
        className="sm:col-span-2"
        type="url"
        inputMode="url"
        required
        placeholder="https://example.com/health"
        value={values.url}
        onChange={(e) => onChange("url", e.target.value)}
        error={errors.url}
      />
      <SelectField
        label="Method"
        options={methods}
        value={values.method}
        onChange={(e) => onChange("method", e.target.value)}
        error={errors.method}
      />
      <Field
        label="Expected status"
        hint="Codes and ranges counted as up, e.g. 200-399 or 200,301-302."
        value={values.expectedStatus}
        onChange={(e) => onChange("expectedStatus", e.target.value)}
        onBlur={() => onBlur("expectedStatus")}
        error={errors.expectedStatus}
      />
      <Field
        label="Keyword"
        className="sm:col-span-2"
        hint="Optional: the response body must contain this text."
        value={values.keyword}
        onChange={(e) => onChange("keyword", e.target.value)}
        error={errors.keyword}
      />
      <ConditionsEditor {...props} />
      <CheckboxField
        label="Follow redirects"
        hint="Up to 10 hops; the final response decides."
        checked={values.followRedirects}
        onChange={(e) => onChange("followRedirects", e.target.checked)}
      />
      <CheckboxField
        label="Ignore TLS errors"
        hint="Accept expired or self-signed certificates."
        checked={values.ignoreTlsErrors}
        onChange={(e) => onChange("ignoreTlsErrors", e.target.checked)}
      />
      {usesCertificate(values) && <TlsExpiryFields {...props} />}
    </>
  );
}
