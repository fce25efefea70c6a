import { CheckboxField } from "../../components/checkbox-field";
import { Field } from "../../components/form";
import { SelectField } from "../../components/select-field";
import { type FieldErrors, METHODS, type MonitorFormValues } from "./form-values";

/** MonitorFieldsProps are the form's values and errors, and where edits go. */
export interface MonitorFieldsProps {
  values: MonitorFormValues;
  errors: FieldErrors;
  onChange: <K extends keyof MonitorFormValues>(field: K, value: MonitorFormValues[K]) => void;
  onBlur: (field: keyof MonitorFormValues) => void;
}

/** MonitorFields are the monitor form's labelled fields, each with its error beside it. */
export function MonitorFields({ values, errors, onChange, onBlur }: MonitorFieldsProps) {
  // A method set through the API that the list lacks stays selectable, so saving keeps it.
  const methods = (METHODS as readonly string[]).includes(values.method)
    ? METHODS
    : [...METHODS, values.method];
  return (
    <div className="grid gap-5 sm:grid-cols-2">
      <Field
        label="Name"
        className="sm:col-span-2"
        required
        maxLength={200}
        value={values.name}
        onChange={(e) => onChange("name", e.target.value)}
        error={errors.name}
      />
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
      <Field
        label="Interval (seconds)"
        inputMode="numeric"
        hint="How often to check: 10 to 86400."
        value={values.interval}
        onChange={(e) => onChange("interval", e.target.value)}
        error={errors.interval}
      />
      <Field
        label="Timeout"
        inputMode="numeric"
        hint="Milliseconds: 100 to 60000, and not above the interval."
        value={values.timeout}
        onChange={(e) => onChange("timeout", e.target.value)}
        error={errors.timeout}
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
      <CheckboxField
        label="Public badges"
        hint="Anyone with the link sees its status, uptime and response time badges."
        checked={values.publicBadges}
        onChange={(e) => onChange("publicBadges", e.target.checked)}
      />
    </div>
  );
}
