import { KIND_LABEL, type KindName } from "../lib/monitor-kind";

/**
 * KindBadge is a monitor's kind as a small chip ("TCP"). The word is the badge: readable
 * without colour, and by screen readers as is.
 */
export function KindBadge({ kind, className = "" }: { kind: KindName; className?: string }) {
  return (
    <span
      className={`inline-block shrink-0 rounded border border-slate-300 px-1 text-[0.65rem] leading-4 font-semibold tracking-wide text-slate-600 uppercase dark:border-slate-700 dark:text-slate-300 ${className}`}
    >
      {KIND_LABEL[kind]}
    </span>
  );
}
