/**
 * RegionsLabel says compactly that a monitor is checked from several regions ("3 regions"),
 * naming them in its tooltip and to screen readers; nothing for a single region.
 */
export function RegionsLabel({ regions }: { regions: readonly string[] }) {
  if (regions.length < 2) return null;
  const names = regions.join(", ");
  return (
    <span
      className="shrink-0 rounded bg-slate-100 px-1 text-[0.65rem] leading-4 text-slate-600 dark:bg-slate-800 dark:text-slate-300"
      title={`Checked from ${names}`}
    >
      {regions.length} regions<span className="sr-only">: {names}</span>
    </span>
  );
}
