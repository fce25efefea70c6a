/** TableHead is the column row of the monitor page's tables (checks, pings, incidents). */
export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800 dark:text-slate-400">
      <tr>
        {columns.map((h) => (
          <th key={h} scope="col" className="py-2 pr-4 font-medium">
            {h}
          </th>
        ))}
      </tr>
    </thead>
  );
}
