/**
 * SilentRegionsFlag warns that a monitor lists regions no worker or probe serves now, so it gets
 * no checks from them: "No live worker or probe in region eu-west". Nothing when there are none.
 * The words are the flag (readable without colour, and by screen readers as is); `compact`
 * keeps it to one line for the overview's fixed-height rows, the whole sentence in its tooltip.
 */
export function SilentRegionsFlag({
  regions,
  compact = false,
}: {
  regions: readonly string[];
  compact?: boolean;
}) {
  if (regions.length === 0) return null;
  const text = `No live worker or probe in region${regions.length > 1 ? "s" : ""} ${regions.join(", ")}`;
  return (
    <span
      title={`${text}: the monitor gets no checks from ${regions.length > 1 ? "them" : "it"}.`}
      className={`inline-flex min-w-0 items-center gap-1 rounded border border-amber-400 bg-amber-50 px-1 font-medium text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200 ${
        compact ? "shrink truncate text-[0.65rem] leading-4" : "px-2 py-1 text-sm"
      }`}
    >
      <span aria-hidden>⚠</span>
      <span className={compact ? "truncate" : ""}>{text}</span>
    </span>
  );
}
