import { useId } from "react";
import type { StatusCounts, StatusFilter } from "./monitor-state";

const FILTERS: { value: StatusFilter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "up", label: "Up" },
  { value: "down", label: "Down" },
  { value: "paused", label: "Paused" },
];

/** MonitorFiltersProps are the filter's current choice, the counts, and where changes go. */
export interface MonitorFiltersProps {
  status: StatusFilter;
  onStatus: (status: StatusFilter) => void;
  search: string;
  onSearch: (search: string) => void;
  counts: StatusCounts;
}

/**
 * MonitorFilters are the status toggle buttons (with each status's count; aria-pressed says
 * which is on) and the search box.
 */
export function MonitorFilters({
  status,
  onStatus,
  search,
  onSearch,
  counts,
}: MonitorFiltersProps) {
  const searchId = useId();
  return (
    <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
      <fieldset className="flex flex-wrap items-center gap-1">
        <legend className="sr-only">Filter by status</legend>
        {FILTERS.map((filter) => (
          <button
            key={filter.value}
            type="button"
            aria-pressed={status === filter.value}
            onClick={() => onStatus(filter.value)}
            className={`rounded-md px-3 py-1.5 text-sm font-medium ${
              status === filter.value
                ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900"
                : "hover:bg-slate-100 dark:hover:bg-slate-800"
            }`}
          >
            {filter.label} <span className="tabular-nums opacity-70">{counts[filter.value]}</span>
          </button>
        ))}
        {counts.pending > 0 && (
          <span className="px-2 text-xs text-slate-500 dark:text-slate-400">
            {counts.pending} pending
          </span>
        )}
        {counts.maintenance > 0 && (
          <span className="px-2 text-xs text-slate-500 dark:text-slate-400">
            {counts.maintenance} in maintenance
          </span>
        )}
      </fieldset>
      <div className="sm:w-72">
        <label htmlFor={searchId} className="sr-only">
          Search monitors
        </label>
        <input
          id={searchId}
          type="search"
          value={search}
          onChange={(event) => onSearch(event.target.value)}
          placeholder="Search by name, URL or host"
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
        />
      </div>
    </div>
  );
}
