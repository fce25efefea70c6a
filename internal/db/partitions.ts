import { connection } from "./connection.js";
import * as q from "./partitions.queries.js";
import type { Queryable } from "./pool.js";

/** PartitionPolicy says how many daily partitions to keep ahead and behind. */
export interface PartitionPolicy {
  /** Partitions are created from yesterday to this many days ahead (UTC days). */
  daysAhead: number;
  /** Partitions ending more than this many days ago are dropped, with their rows. */
  retentionDays: number;
}

/** PartitionedTable names the tables partitioned by day. */
export type PartitionedTable = "check_results" | "host_samples";

/**
 * maintainPartitions creates the check_results partitions ahead and drops the expired ones,
 * and the hourly rollups of the same age. Safe to call often and from several processes: the
 * SQL function serialises callers with an advisory lock.
 */
export async function maintainPartitions(db: Queryable, policy: PartitionPolicy): Promise<void> {
  await maintainTablePartitions(db, "check_results", policy);
  await q.deleteExpiredRollups.run(
    { before: new Date(Date.now() - policy.retentionDays * 86_400_000) },
    connection(db),
  );
}

/** maintainHostSamplePartitions does for host_samples what maintainPartitions does for checks. */
export async function maintainHostSamplePartitions(
  db: Queryable,
  policy: PartitionPolicy,
): Promise<void> {
  await maintainTablePartitions(db, "host_samples", policy);
}

/**
 * maintainTablePartitions creates one table's partitions ahead and, when a retention is given,
 * drops the expired ones. Without one nothing is dropped: a process that does not own the
 * table's retention setting (the API, for host_samples) must not apply a default to it.
 */
export async function maintainTablePartitions(
  db: Queryable,
  table: PartitionedTable,
  policy: { daysAhead: number; retentionDays?: number },
): Promise<void> {
  await q.maintainPartitions.run(
    { table, daysAhead: policy.daysAhead, retentionDays: policy.retentionDays ?? null },
    connection(db),
  );
}
