import type { CheckResult } from "../../../../gen/pulsar/v1/check_pb";
import { WaterfallBar } from "../../components/waterfall-bar";
import { ago, ms, timestampMs } from "../../lib/format";
import { visiblePhases } from "./phases";

/** LatestCheckProps are the check to show. */
export interface LatestCheckProps {
  result: CheckResult;
}

/**
 * LatestCheck shows where the time of one check went, as a waterfall (DNS, TCP, TLS, TTFB,
 * Download, and Redirects when there were any), with its status code, the address it reached
 * and, when down, why.
 */
export function LatestCheck({ result }: LatestCheckProps) {
  const timing = result.timing;
  const checkedAt = timestampMs(result.checkedAt);
  // A check that got no response may carry no timing: the legend still names every phase.
  const segments = visiblePhases(timing ? [timing] : []).map((phase) => ({
    label: phase.label,
    value: timing?.[phase.field] ?? 0,
    color: phase.color,
  }));
  return (
    <div className="space-y-3">
      <p className="flex flex-wrap items-baseline gap-x-4 gap-y-1 text-sm">
        <span
          className={
            result.up
              ? "text-emerald-700 dark:text-emerald-400"
              : "font-semibold text-red-700 dark:text-red-400"
          }
        >
          {result.up ? "Up" : "Down"}
        </span>
        <span>
          HTTP <span className="tabular-nums">{result.statusCode || "—"}</span>
        </span>
        {timing && <span className="tabular-nums">{ms(timing.totalMs)} total</span>}
        {result.remoteAddress && <span>from {result.remoteAddress}</span>}
        <time
          dateTime={new Date(checkedAt).toISOString()}
          title={new Date(checkedAt).toLocaleString()}
          className="text-slate-500 dark:text-slate-400"
        >
          {ago(checkedAt)}
        </time>
      </p>
      {!result.up && result.error && (
        <p className="rounded-md bg-red-50 p-3 text-sm break-words text-red-800 dark:bg-red-950 dark:text-red-200">
          {result.error}
        </p>
      )}
      <WaterfallBar segments={segments} label="Timing of the latest check" formatValue={ms} />
    </div>
  );
}
