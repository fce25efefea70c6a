import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type HostSeries, HostSeriesSchema } from "../../../gen/pulsar/v1/host_pb.js";
import { connection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import * as q from "./host-samples.queries.js";
import type { HostScope } from "./hosts-db.js";

/** HistoryQuery selects one host's samples in [since, until), in buckets of stepSeconds. */
export interface HistoryQuery {
  hostId: string;
  since: Date;
  until: Date;
  stepSeconds: number;
}

/** HOST_METRICS are the series GetHostHistory returns, in this order. */
export const HOST_METRICS = [
  "cpu_percent",
  "memory_used_bytes",
  "load1",
  "rx_bytes_per_sec",
  "tx_bytes_per_sec",
  "disk_used_percent",
  "disk_read_bps",
  "disk_write_bps",
  "file_handles",
] as const;

/**
 * getHostHistory returns one series per metric of HOST_METRICS, each with the average and the
 * maximum per time bucket (computed in SQL, aligned to the epoch); buckets without samples are
 * absent rather than zero, so a chart shows a gap where the host was down (or, for disk I/O and
 * file handles, where its samples did not hold them). A host outside the scope has no samples.
 */
export async function getHostHistory(
  db: Queryable,
  scope: HostScope,
  query: HistoryQuery,
): Promise<HostSeries[]> {
  const rows = await q.getHostHistory.run({ ...scope, ...query }, connection(db));
  const pick: Record<
    (typeof HOST_METRICS)[number],
    (r: q.GetHostHistoryResult) => [number | null, number | null]
  > = {
    cpu_percent: (r) => [r.cpu_avg, r.cpu_max],
    memory_used_bytes: (r) => [r.memory_avg, r.memory_max],
    load1: (r) => [r.load1_avg, r.load1_max],
    rx_bytes_per_sec: (r) => [r.rx_avg, r.rx_max],
    tx_bytes_per_sec: (r) => [r.tx_avg, r.tx_max],
    disk_used_percent: (r) => [r.disk_avg, r.disk_max],
    disk_read_bps: (r) => [r.disk_read_avg, r.disk_read_max],
    disk_write_bps: (r) => [r.disk_write_avg, r.disk_write_max],
    file_handles: (r) => [r.file_handles_avg, r.file_handles_max],
  };
  return HOST_METRICS.map((metric) =>
    create(HostSeriesSchema, {
      metric,
      // A bucket whose samples lack the reading (NULL avg) is a gap, like a bucket without any.
      points: rows.flatMap((r) => {
        const [avg, max] = pick[metric](r);
        return avg === null || max === null ? [] : [{ at: timestampFromDate(r.at), avg, max }];
      }),
    }),
  );
}
