import { connection } from "./connection.js";
import * as q from "./partitions.queries.js";
import type { Queryable } from "./pool.js";

/** PartitionPolicy says how many daily check_results partitions to keep ahead and behind. */
export interface PartitionPolicy {
  /** Partitions are created from yesterday to this many days ahead (UTC days). */
  daysAhead: number;
  /** Partitions ending more than this many days ago are dropped, with their results. */
  retentionDays: number;
}

/**
 * maintainPartitions creates the partitions ahead and drops the expired ones. Safe to call
 * often and from several processes: the SQL function serialises callers with an advisory lock.
 */
export async function maintainPartitions(db: Queryable, policy: PartitionPolicy): Promise<void> {
  await q.maintainPartitions.run(policy, connection(db));
}
