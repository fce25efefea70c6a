import type { CheckResult } from "../../../../gen/pulsar/v1/check_pb";
import { TimeSeriesChart } from "../../components/time-series-chart";
import { ms, timestampMs } from "../../lib/format";

/** The chart's one series: how long each timed job ran. */
const SERIES = [
  { label: "Job duration", value: (r: CheckResult) => r.jobDurationMs, color: "#0d9488" },
];

/**
 * JobDurations charts how long a heartbeat's jobs ran, from the pings that ended a job started
 * with /start; or says how to get there when none was timed.
 */
export function JobDurations({ results }: { results: readonly CheckResult[] }) {
  // Oldest first, as the chart reads time.
  const timed = results.filter((r) => r.jobDurationMs > 0).reverse();
  if (timed.length === 0) {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        No timed jobs among the recent pings: ping <code className="font-mono">/start</code> when
        the job starts, and its duration is recorded when it pings its end.
      </p>
    );
  }
  return (
    <TimeSeriesChart
      label="Job durations of the recent pings, in milliseconds"
      data={timed}
      time={(r) => timestampMs(r.checkedAt)}
      series={SERIES}
      formatValue={ms}
      height={200}
    />
  );
}
