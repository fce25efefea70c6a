import type { SelectHTMLAttributes } from "react";
import { FieldFrame } from "./form";

/** Choice is one option of a SelectField whose value is not its label (an id behind a name). */
export interface Choice {
  value: string;
  label: string;
}

/** SelectFieldProps are a labelled select's label, options, hint and error. */
export interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: string;
  /** Options: plain strings (value and label alike) or choices. */
  options: readonly (string | Choice)[];
  hint?: string;
  error?: string;
}

/** SelectField is a select in a FieldFrame: a visible label, and the error beside it. */
export function SelectField({
  label,
  options,
  hint,
  error,
  className,
  ...select
}: SelectFieldProps) {
  return (
    <FieldFrame label={label} hint={hint} error={error} className={className}>
      {(control) => (
        <select {...control} {...select}>
          {options.map((option) => {
            const { value, label: text } =
              typeof option === "string" ? { value: option, label: option } : option;
            return (
              <option key={value} value={value}>
                {text}
              </option>
            );
          })}
        </select>
      )}
    </FieldFrame>
  );
}
