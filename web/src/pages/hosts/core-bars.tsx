import { meterColor } from "../../components/meter-bar";
import { percent } from "../../lib/format";

/**
 * CoreBars shows each logical core's use in the newest sample as a small vertical bar, with
 * the figures in words for screen readers and in a tooltip.
 */
export function CoreBars({ perCore }: { perCore: readonly number[] }) {
  if (perCore.length === 0) {
    return <p className="text-sm text-slate-500">No per-core figures yet.</p>;
  }
  return (
    <ul
      aria-label="CPU per core"
      className="grid grid-cols-[repeat(auto-fill,minmax(1.75rem,1fr))] gap-1.5"
    >
      {perCore.map((value, core) => {
        const text = `Core ${core}: ${percent(value / 100, 1)}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a core's index is its identity.
          <li key={core} title={text} className="flex flex-col items-center gap-1">
            <span
              aria-hidden
              className="relative flex h-14 w-full items-end overflow-hidden rounded bg-slate-200 dark:bg-slate-800"
            >
              <span
                className={`w-full ${meterColor(value / 100)}`}
                style={{ height: `${Math.min(100, Math.max(0, value))}%` }}
              />
            </span>
            <span aria-hidden className="text-[10px] tabular-nums text-slate-500">
              {core}
            </span>
            <span className="sr-only">{text}</span>
          </li>
        );
      })}
    </ul>
  );
}
