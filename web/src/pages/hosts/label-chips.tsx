/** LabelChipsProps are the labels to show and what the list is called for screen readers. */
export interface LabelChipsProps {
  labels: Readonly<Record<string, string>>;
  label: string;
  className?: string;
}

/** LabelChips shows labels as small "key=value" chips, in key order; nothing when there are none. */
export function LabelChips({ labels, label, className = "" }: LabelChipsProps) {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  return (
    <ul aria-label={label} className={`flex flex-wrap gap-1 ${className}`}>
      {entries.map(([key, value]) => {
        const text = value === "" ? key : `${key}=${value}`;
        return (
          <li
            key={key}
            title={text}
            className="max-w-full truncate rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300"
          >
            {text}
          </li>
        );
      })}
    </ul>
  );
}
