import type { Logger } from "../core/logger.js";
import { maintainPartitions, maintainTablePartitions } from "./partitions.js";
import type { Queryable } from "./pool.js";
import { PARTITION_DAYS_AHEAD } from "./schema.js";

/** PartitionMaintenanceDeps say what the maintenance timer keeps, and how often. */
export interface PartitionMaintenanceDeps {
  pool: Queryable;
  /** check_results partitions (and hourly rollups) older than this are dropped (RETENTION_DAYS). */
  checkRetentionDays: number;
  /**
   * host_samples partitions older than this are dropped (HOST_RETENTION_DAYS). Undefined:
   * partitions are only created ahead, none dropped: a process that does not own the setting
   * must not apply a default of its own to it.
   */
  hostRetentionDays: number | undefined;
  log: Logger;
  /** Between runs; an hour unless told. */
  everyMs?: number;
}

/** PartitionMaintenance is a running maintenance timer. */
export interface PartitionMaintenance {
  /** stop ends the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

const HOUR_MS = 60 * 60_000;

/**
 * startPartitionMaintenance keeps the daily partitions of check_results and host_samples
 * created PARTITION_DAYS_AHEAD ahead and drops the expired ones, now and then every `everyMs`:
 * one timer per process for both tables. applySchema did the same at start-up, so partitions
 * exist from the first write; this keeps them coming in a process that runs for days. A failed
 * run is logged and retried at the next tick: with days of partitions ahead, an hour late costs
 * nothing. Several processes may run it at once (the SQL function takes an advisory lock).
 */
export function startPartitionMaintenance(deps: PartitionMaintenanceDeps): PartitionMaintenance {
  const { pool, log } = deps;
  const run = async () => {
    // Each table on its own: one failing must not hold back the other.
    await maintainPartitions(pool, {
      daysAhead: PARTITION_DAYS_AHEAD,
      retentionDays: deps.checkRetentionDays,
    }).catch((error: unknown) =>
      log.warn("check result partition maintenance failed; will retry", { error }),
    );
    await maintainTablePartitions(pool, "host_samples", {
      daysAhead: PARTITION_DAYS_AHEAD,
      retentionDays: deps.hostRetentionDays,
    }).catch((error: unknown) =>
      log.warn("host sample partition maintenance failed; will retry", { error }),
    );
  };
  let running: Promise<void> | undefined;
  const tick = () => {
    // A run slower than the interval is not stacked on.
    if (running) return;
    running = run().finally(() => {
      running = undefined;
    });
  };
  const timer = setInterval(tick, deps.everyMs ?? HOUR_MS);
  timer.unref();
  tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
