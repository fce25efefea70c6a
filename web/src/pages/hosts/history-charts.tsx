import { type Series, TimeSeriesChart } from "../../components/time-series-chart";
import { bytes, bytesPerSecond, count } from "../../lib/format";
import { CHART_COLORS as C } from "./chart-colors";
import { type HistoryRow, type HostMetric, metricValue } from "./history-rows";
import { Panel } from "./panel";

const avgMax = (metric: HostMetric, color: string): Series<HistoryRow>[] => [
  { label: "Average", value: (r) => metricValue(r, metric, "avg"), color },
  { label: "Peak", value: (r) => metricValue(r, metric, "max"), color: C.max },
];
const CPU = avgMax("cpu_percent", C.cpu);
const MEMORY = avgMax("memory_used_bytes", C.memory);
const LOAD = avgMax("load1", C.load);
const DISK = avgMax("disk_used_percent", C.disk);
const HANDLES = avgMax("file_handles", C.handles);
const NETWORK: Series<HistoryRow>[] = [
  { label: "Received", value: (r) => metricValue(r, "rx_bytes_per_sec", "avg"), color: C.rx },
  { label: "Sent", value: (r) => metricValue(r, "tx_bytes_per_sec", "avg"), color: C.tx },
];
const DISK_IO: Series<HistoryRow>[] = [
  { label: "Read", value: (r) => metricValue(r, "disk_read_bps", "avg"), color: C.diskRead },
  { label: "Written", value: (r) => metricValue(r, "disk_write_bps", "avg"), color: C.diskWrite },
];

const HEIGHT = 180;
const time = (row: HistoryRow) => row.t;

/**
 * HistoryCharts draw a window of GetHostHistory: average and peak per bucket of CPU, memory
 * used, load, the fullest disk and open file handles, and average network and disk throughput.
 */
export function HistoryCharts({
  rows,
  rangeLabel,
}: {
  rows: readonly HistoryRow[];
  rangeLabel: string;
}) {
  if (rows.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500 dark:border-slate-700">
        No samples from this host in the last {rangeLabel}.
      </p>
    );
  }
  const chart = (
    title: string,
    series: Series<HistoryRow>[],
    options: { domain?: [number, number]; unit?: string; formatValue?: (v: number) => string },
  ) => (
    <Panel title={title}>
      <TimeSeriesChart
        label={`${title}, last ${rangeLabel}`}
        data={rows}
        time={time}
        series={series}
        height={HEIGHT}
        {...options}
      />
    </Panel>
  );
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      {chart("CPU use", CPU, { domain: [0, 100], unit: " %" })}
      {chart("Memory used", MEMORY, { formatValue: bytes })}
      {chart("Network", NETWORK, { formatValue: bytesPerSecond })}
      {chart("Load (1 min)", LOAD, {})}
      {chart("Fullest disk", DISK, { domain: [0, 100], unit: " %" })}
      {chart("Disk I/O", DISK_IO, { formatValue: bytesPerSecond })}
      {chart("File handles", HANDLES, { formatValue: count })}
    </div>
  );
}
