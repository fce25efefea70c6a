import type pg from "pg";
import type { HostSample } from "../../gen/pulsar/v1/host_pb.js";
import { writeHostSampleBatch } from "../db/hosts.js";
import { maintainHostSamplePartitions } from "../db/partitions.js";
import { PARTITION_DAYS_AHEAD } from "../db/schema.js";
import type { Logger } from "../log/logger.js";
import { createBatchWriter } from "../worker/result-writer.js";

/** HostSampleStoreDeps are what the store of host samples uses. */
export interface HostSampleStoreDeps {
  pool: Pick<pg.Pool, "connect" | "query">;
  /** host_samples partitions older than this are dropped (HOST_RETENTION_DAYS). */
  retentionDays: number;
  log: Logger;
  /** A batch goes out this long after its first sample; samples come one per host per 2 s. */
  maxDelayMs?: number;
}

/** HostSampleStore persists host samples in batches. */
export interface HostSampleStore {
  /** add queues a sample; it never waits for Postgres nor throws (history is best effort). */
  add(sample: HostSample): void;
  /** close writes what is pending and stops the partition maintenance. */
  close(): Promise<void>;
}

const PARTITION_MAINTENANCE_MS = 60 * 60_000;

/**
 * createHostSampleStore writes samples to host_samples in batches (one transaction each, with
 * the hosts rows), retrying a failing write for a minute like check results, and keeps the
 * table's daily partitions created ahead and dropped past the retention, hourly: a worker that
 * runs for days must not reach a day without a partition.
 */
export function createHostSampleStore(deps: HostSampleStoreDeps): HostSampleStore {
  const { log } = deps;
  const writer = createBatchWriter<HostSample>({
    label: "host samples",
    write: (batch) => writeHostSampleBatch(deps.pool, batch),
    maxDelayMs: deps.maxDelayMs ?? 1000,
    maxInFlight: 1,
    log,
  });
  const maintain = () =>
    maintainHostSamplePartitions(deps.pool, {
      daysAhead: PARTITION_DAYS_AHEAD,
      retentionDays: deps.retentionDays,
    }).catch((error: unknown) =>
      log.warn("host sample partition maintenance failed; will retry", { error }),
    );
  const timer = setInterval(maintain, PARTITION_MAINTENANCE_MS);
  timer.unref();

  return {
    add(sample) {
      // The writer has logged the failure already; a lost sample only leaves a gap in a chart.
      writer.add(sample).catch(() => {});
    },
    async close() {
      clearInterval(timer);
      await writer.close();
    },
  };
}
