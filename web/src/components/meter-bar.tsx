import { percent } from "../lib/format";

/** MeterBarProps describe one usage bar: its label, how full it is (0–1) and optional detail. */
export interface MeterBarProps {
  label: string;
  /** 0–1; values outside are clamped for the bar, not for the text. */
  ratio: number;
  /** Shown after the percentage, e.g. "41 GiB of 100 GiB". */
  detail?: string;
}

/** meterColor is the bar's colour: calm below 75 %, a warning below 90 %, alarming above. */
export function meterColor(ratio: number): string {
  if (ratio >= 0.9) return "bg-red-500";
  if (ratio >= 0.75) return "bg-amber-500";
  return "bg-indigo-500";
}

/**
 * MeterBar is a labelled horizontal usage bar (a disk's fill, a core's load). The figures are
 * text beside the bar, so the bar itself is decoration for assistive technology.
 */
export function MeterBar({ label, ratio, detail }: MeterBarProps) {
  const width = Math.min(100, Math.max(0, ratio * 100));
  return (
    <div className="min-w-0">
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="truncate font-mono" title={label}>
          {label}
        </span>
        <span className="shrink-0 tabular-nums">
          {percent(ratio, 1)}
          {detail && <span className="ml-2 text-xs text-slate-500">{detail}</span>}
        </span>
      </div>
      <div aria-hidden className="mt-1 h-2 overflow-hidden rounded bg-slate-200 dark:bg-slate-800">
        <div className={`h-full rounded ${meterColor(ratio)}`} style={{ width: `${width}%` }} />
      </div>
    </div>
  );
}
