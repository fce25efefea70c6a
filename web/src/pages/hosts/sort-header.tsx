import type { ProcessSort, ProcessSortKey } from "./process-sort";

/** SortHeaderProps are a sortable column's key and label, the table's order, and the click. */
export interface SortHeaderProps {
  column: ProcessSortKey;
  label: string;
  sort: ProcessSort;
  onSort: (column: ProcessSortKey) => void;
  className?: string;
}

/**
 * SortHeader is a column header that sorts the table: a button (so the keyboard reaches it),
 * with aria-sort on the header telling screen readers the order in force.
 */
export function SortHeader({ column, label, sort, onSort, className = "" }: SortHeaderProps) {
  const active = sort.key === column;
  const order = sort.descending ? "descending" : "ascending";
  return (
    <th scope="col" aria-sort={active ? order : "none"} className={className}>
      <button
        type="button"
        onClick={() => onSort(column)}
        className={`inline-flex items-center gap-1 rounded hover:text-slate-900 dark:hover:text-slate-100 ${
          active ? "font-semibold text-slate-700 dark:text-slate-200" : ""
        }`}
      >
        {label}
        <span aria-hidden className="w-2">
          {active ? (sort.descending ? "↓" : "↑") : ""}
        </span>
      </button>
    </th>
  );
}
