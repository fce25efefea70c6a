import { TimeSeriesChart } from "../../components/time-series-chart";
import { ms } from "../../lib/format";
import { rate } from "./format-rate";
import { Section } from "./section";
import { POLL_MS, type SystemPoint } from "./use-system-page";

const time = (p: SystemPoint) => p.at;

/** SystemCharts are live charts of checks per second and lateness while the page is open. */
export function SystemCharts({ points }: { points: readonly SystemPoint[] }) {
  if (points.length < 2) {
    return (
      <p className="text-sm text-slate-500">
        The charts start with the second reading, {POLL_MS / 1000} seconds after the page opens.
      </p>
    );
  }
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Section title="Checks per second">
        <TimeSeriesChart
          label="Checks per second since the page opened"
          data={points}
          time={time}
          height={180}
          formatValue={rate}
          series={[{ label: "Checks/s", value: (p) => p.checksPerSecond, color: "#6366f1" }]}
        />
      </Section>
      <Section title="Scheduling lateness">
        <TimeSeriesChart
          label="Scheduling lateness since the page opened"
          data={points}
          time={time}
          height={180}
          formatValue={ms}
          series={[
            { label: "p50", value: (p) => p.latenessP50Ms, color: "#10b981" },
            { label: "p99", value: (p) => p.latenessP99Ms, color: "#f59e0b" },
          ]}
        />
      </Section>
    </div>
  );
}
