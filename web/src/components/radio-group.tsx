import { useId } from "react";

/** RadioGroupProps are a group's legend, its choices, the chosen one and where a choice goes. */
export interface RadioGroupProps<V extends string> {
  legend: string;
  options: readonly { value: V; label: string }[];
  value: V;
  onChange: (value: V) => void;
  className?: string;
}

/** RadioGroup is a fieldset of radio buttons, one line of choices that wraps on a phone. */
export function RadioGroup<V extends string>({
  legend,
  options,
  value,
  onChange,
  className = "",
}: RadioGroupProps<V>) {
  const name = useId();
  return (
    <fieldset className={className}>
      <legend className="text-sm font-medium">{legend}</legend>
      <div className="mt-2 flex flex-wrap gap-x-5 gap-y-2">
        {options.map((option) => (
          <label key={option.value} className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={option.value === value}
              onChange={() => onChange(option.value)}
              className="accent-indigo-600"
            />
            {option.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
