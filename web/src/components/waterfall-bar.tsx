/** WaterfallSegment is one part of a WaterfallBar: its name, its size and its colour. */
export interface WaterfallSegment {
  label: string;
  value: number;
  color: string;
}

/** WaterfallBarProps configure a WaterfallBar. */
export interface WaterfallBarProps {
  segments: readonly WaterfallSegment[];
  /** Accessible name of the bar, e.g. "Timing of the latest check". */
  label: string;
  formatValue: (value: number) => string;
}

/**
 * WaterfallBar is one horizontal stacked bar whose segments are as wide as their share of the
 * sum, with a legend naming each segment and its value. The legend carries the figures (the
 * bar is a picture of them, hidden from screen readers), so colour is never the only cue.
 */
export function WaterfallBar({ segments, label, formatValue }: WaterfallBarProps) {
  const sum = segments.reduce((total, s) => total + Math.max(0, s.value), 0);
  return (
    <figure aria-label={label} className="w-full">
      <div
        aria-hidden
        className="flex h-6 w-full overflow-hidden rounded bg-slate-100 dark:bg-slate-800"
      >
        {sum > 0 &&
          segments.map((s) =>
            s.value > 0 ? (
              <div
                key={s.label}
                data-segment={s.label}
                title={`${s.label}: ${formatValue(s.value)}`}
                style={{ width: `${(s.value / sum) * 100}%`, backgroundColor: s.color }}
                className="h-full min-w-px"
              />
            ) : null,
          )}
      </div>
      <ul className="mt-3 flex flex-wrap gap-x-5 gap-y-1 text-sm">
        {segments.map((s) => (
          <li key={s.label} className="flex items-center gap-1.5">
            <span
              aria-hidden
              className="inline-block h-3 w-3 rounded-sm"
              style={{ backgroundColor: s.color }}
            />
            <span className="font-medium">{s.label}</span>
            <span className="tabular-nums text-slate-600 dark:text-slate-300">
              {formatValue(s.value)}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
