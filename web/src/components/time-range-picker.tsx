/** TimeRangeOption is one choice of a TimeRangePicker: its value and what the button says. */
export interface TimeRangeOption<V extends string> {
  value: V;
  label: string;
}

/** TimeRangePickerProps configure a TimeRangePicker. */
export interface TimeRangePickerProps<V extends string> {
  options: readonly TimeRangeOption<V>[];
  value: V;
  onChange: (value: V) => void;
  /** Accessible name of the group, e.g. "Time range". */
  label?: string;
  className?: string;
}

/**
 * TimeRangePicker is a row of toggle buttons, one pressed (aria-pressed), for choosing a
 * time range ("1 h", "24 h", "7 d", or "Live"). Plain buttons rather than a radio group: each
 * is reachable with Tab and works with Enter or Space, and screen readers announce the state.
 */
export function TimeRangePicker<V extends string>({
  options,
  value,
  onChange,
  label = "Time range",
  className = "",
}: TimeRangePickerProps<V>) {
  return (
    <fieldset
      aria-label={label}
      className={`inline-flex overflow-hidden rounded-md border border-slate-300 text-sm dark:border-slate-700 ${className}`}
    >
      {options.map((option) => {
        const pressed = option.value === value;
        return (
          <button
            key={option.value}
            type="button"
            aria-pressed={pressed}
            onClick={() => onChange(option.value)}
            className={`px-3 py-1.5 not-first:border-l not-first:border-slate-300 dark:not-first:border-slate-700 ${
              pressed
                ? "bg-indigo-600 font-medium text-white"
                : "bg-white hover:bg-slate-50 dark:bg-slate-900 dark:hover:bg-slate-800"
            }`}
          >
            {option.label}
          </button>
        );
      })}
    </fieldset>
  );
}
