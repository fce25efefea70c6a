import type { RegionResult, RegionRule } from "../../../../gen/pulsar/v1/monitor_pb";
import { StatusDot } from "../../components/status-dot";
import { ago, ms, timestampMs } from "../../lib/format";
import { ruleInWords } from "./region-rows";

/** RegionResultsProps are each region's latest result, in the monitor's order, and the rule. */
export interface RegionResultsProps {
  regions: readonly RegionResult[];
  rule: RegionRule;
  nowMs?: number;
}

/**
 * RegionResults shows how each region sees the monitor: up, down (and why) or silent, with the
 * time of its latest result and its response time, under the rule that turns them into the
 * monitor's state.
 */
export function RegionResults({ regions, rule, nowMs = Date.now() }: RegionResultsProps) {
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {ruleInWords(rule)}. Regions without a result within two intervals are silent and do not
        vote.
      </p>
      <ul aria-label="Regions" className="divide-y divide-slate-200 dark:divide-slate-800">
        {regions.map((row) => (
          <RegionRow key={row.region} row={row} nowMs={nowMs} />
        ))}
      </ul>
    </div>
  );
}

/** RegionRow is one region: its dot, its name, and what its latest result says. */
function RegionRow({ row, nowMs }: { row: RegionResult; nowMs: number }) {
  const result = row.result;
  const at = timestampMs(result?.checkedAt);
  const status = row.silent || !result ? "pending" : result.up ? "up" : "down";
  const word = row.silent ? "Silent" : !result ? "No result yet" : result.up ? "Up" : "Down";
  return (
    <li className="py-2 text-sm">
      <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <span className="flex items-center gap-2 self-center">
          <StatusDot status={status} label={word} />
          <span className="font-mono font-medium">{row.region}</span>
        </span>
        {row.silent ? (
          <span className="text-amber-700 dark:text-amber-400">
            silent — no result within two intervals
          </span>
        ) : !result ? (
          <span className="text-slate-500 dark:text-slate-400">no result yet</span>
        ) : (
          <span
            className={
              result.up
                ? "text-emerald-700 dark:text-emerald-400"
                : "font-semibold text-red-700 dark:text-red-400"
            }
          >
            {word}
          </span>
        )}
        {result?.timing && <span className="tabular-nums">{ms(result.timing.totalMs)}</span>}
        {at > 0 && (
          <time
            dateTime={new Date(at).toISOString()}
            title={new Date(at).toLocaleString()}
            className="text-slate-500 dark:text-slate-400"
          >
            {ago(at, nowMs)}
          </time>
        )}
      </div>
      {result && !result.up && result.error && !row.silent && (
        <p className="mt-1 break-words text-red-800 dark:text-red-200">{result.error}</p>
      )}
    </li>
  );
}
