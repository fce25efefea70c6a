import { KIND_LABEL } from "../../lib/monitor-kind";
import { type KindCounts, type KindFilter, kindsPresent } from "./kind-filter";

/** KindFiltersProps are the chosen kind, each kind's count, and where a choice goes. */
export interface KindFiltersProps {
  kind: KindFilter;
  onKind: (kind: KindFilter) => void;
  counts: KindCounts;
}

/**
 * KindFilters are the kind toggle buttons (All kinds, HTTP, TCP, DNS, Heartbeat, each with its
 * count; aria-pressed says which is on), for the kinds the organization has. Nothing when it
 * has monitors of one kind only, unless that kind is chosen (so it can be cleared).
 */
export function KindFilters({ kind, onKind, counts }: KindFiltersProps) {
  const kinds = kindsPresent(counts);
  if (kinds.length < 2 && kind === "all") return null;
  const total = kinds.reduce((n, k) => n + counts[k], 0);
  const options: { value: KindFilter; label: string; count: number }[] = [
    { value: "all", label: "All kinds", count: total },
    ...kinds.map((k) => ({ value: k, label: KIND_LABEL[k], count: counts[k] })),
  ];
  return (
    <fieldset className="flex flex-wrap items-center gap-1">
      <legend className="sr-only">Filter by kind</legend>
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          aria-pressed={kind === option.value}
          onClick={() => onKind(option.value)}
          className={`rounded-md px-3 py-1 text-xs font-medium ${
            kind === option.value
              ? "bg-indigo-600 text-white"
              : "border border-slate-200 hover:bg-slate-100 dark:border-slate-800 dark:hover:bg-slate-800"
          }`}
        >
          {option.label} <span className="tabular-nums opacity-70">{option.count}</span>
        </button>
      ))}
    </fieldset>
  );
}
