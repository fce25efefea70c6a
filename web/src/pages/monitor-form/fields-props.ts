import type { FieldErrors, MonitorFormValues } from "./form-values";

/** FieldsProps are what each part of the monitor form gets: the values, errors, where edits go. */
export interface FieldsProps {
  values: MonitorFormValues;
  errors: FieldErrors;
  onChange: <K extends keyof MonitorFormValues>(field: K, value: MonitorFormValues[K]) => void;
  onBlur: (field: keyof MonitorFormValues) => void;
}
