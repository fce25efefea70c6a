import type { GetMonitorTimingsResponse, TimingPoint } from "../../../../gen/pulsar/v1/monitor_pb";
import { Spinner } from "../../components/spinner";
import { TimeRangePicker } from "../../components/time-range-picker";
import { type Series, TimeSeriesChart } from "../../components/time-series-chart";
import { ms, timestampMs } from "../../lib/format";
import type { KindName } from "../../lib/monitor-kind";
import type { RequestState } from "../../lib/use-request";
import { seconds } from "./describe";
import { phasesFor } from "./kind-phases";
import { TIMINGS_RANGES, type TimingsRange } from "./use-monitor-detail";

/** PhasesChartProps are the timings of the chosen range and how to choose another. */
export interface PhasesChartProps {
  timings: RequestState<GetMonitorTimingsResponse>;
  range: TimingsRange;
  onRangeChange: (range: TimingsRange) => void;
  /** The monitor's kind, whose phases are shown; HTTP when absent. */
  kind?: KindName;
}

/**
 * PhasesChart shows the waterfall over time: each phase's average per time bucket, stacked, so
 * the top edge is the total and a slow phase stands out by its band; with the range picker and
 * the count of failed checks in the range.
 */
export function PhasesChart({ timings, range, onRangeChange, kind = "http" }: PhasesChartProps) {
  const points = timings.data?.points ?? [];
  const series: Series<TimingPoint>[] = phasesFor(kind, points).map((phase) => ({
    label: phase.label,
    value: phase.value,
    color: phase.color,
  }));
  const checks = points.reduce((n, p) => n + p.checks, 0);
  const failures = points.reduce((n, p) => n + p.failures, 0);
  const step = timings.data?.stepSeconds ?? 0;
  const rangeLabel = TIMINGS_RANGES.find((r) => r.value === range)?.label ?? range;
  return (
    <div>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-slate-600 dark:text-slate-400" aria-live="polite">
          {points.length > 0 &&
            `${checks} checks in the last ${rangeLabel}, ${failures} failed` +
              (step ? `; averages per ${seconds(step)}` : "")}
        </p>
        <TimeRangePicker
          label="Time range of the phases chart"
          options={TIMINGS_RANGES}
          value={range}
          onChange={onRangeChange}
        />
      </div>
      <div className="mt-3">
        {timings.loading ? (
          <Spinner label="Loading timings…" className="justify-center py-16" />
        ) : timings.problem && !timings.data ? (
          <p role="alert" className="py-16 text-center text-sm text-red-700 dark:text-red-400">
            Could not load the timings: {timings.problem.message}
          </p>
        ) : points.length === 0 ? (
          <p className="py-16 text-center text-sm text-slate-500">
            No checks with a response in the last {rangeLabel}.
          </p>
        ) : (
          <TimeSeriesChart
            label={
              kind === "dns"
                ? `Query time over the last ${rangeLabel}, in milliseconds`
                : `Check phases over the last ${rangeLabel}, stacked, in milliseconds`
            }
            data={points}
            time={(point) => timestampMs(point.time)}
            series={series}
            stacked
            formatValue={ms}
            height={260}
          />
        )}
      </div>
    </div>
  );
}
