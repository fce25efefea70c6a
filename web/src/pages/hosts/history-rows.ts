import type { HostSeries } from "../../../../gen/pulsar/v1/host_pb";
import { timestampMs } from "../../lib/format";

/** HostMetric names a series GetHostHistory returns (host.proto's HostSeries). */
export type HostMetric =
  | "cpu_percent"
  | "memory_used_bytes"
  | "load1"
  | "rx_bytes_per_sec"
  | "tx_bytes_per_sec"
  | "disk_used_percent"
  | "disk_read_bps"
  | "disk_write_bps"
  | "file_handles";

/** HistoryRow is one time bucket with every metric's avg and max, for the history charts. */
export interface HistoryRow {
  t: number;
  values: Partial<Record<HostMetric, { avg: number; max: number }>>;
}

/**
 * historyRows joins GetHostHistory's series (one per metric) into rows by bucket, oldest first,
 * so one chart can draw several metrics (rx and tx) from one data array.
 */
export function historyRows(series: readonly HostSeries[]): HistoryRow[] {
  const rows = new Map<number, HistoryRow>();
  for (const s of series) {
    for (const point of s.points) {
      const t = timestampMs(point.at);
      let row = rows.get(t);
      if (!row) {
        row = { t, values: {} };
        rows.set(t, row);
      }
      row.values[s.metric as HostMetric] = { avg: point.avg, max: point.max };
    }
  }
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

/** metricValue reads one metric of a row; 0 for a bucket the series does not have. */
export function metricValue(row: HistoryRow, metric: HostMetric, kind: "avg" | "max"): number {
  return row.values[metric]?.[kind] ?? 0;
}
