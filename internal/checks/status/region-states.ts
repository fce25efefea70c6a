import { toJson } from "@bufbuild/protobuf";
import { type CheckResult, CheckResultSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { preparedConnection } from "../../db/connection.js";
import { toJsonParam } from "../../db/json.js";
import type { Queryable } from "../../db/pool.js";
import { timestampText, timestampUs } from "../../db/timestamp-text.js";
import type { MonitorStateColumns, MonitorStateRow } from "./monitor-states.js";
import * as q from "./region-states.queries.js";
import type { RegionVote } from "./region-votes.js";

/** RegionVotes are each region's latest result, by monitor and region. */
export type RegionVotes = ReadonlyMap<string, ReadonlyMap<string, RegionVote>>;

/**
 * readRegionVotes reads each region's latest result of the locked monitors checked from
 * several regions, once lockMonitorStates has returned (see RegionStatesOf); none for a batch
 * without such monitors, which costs no statement.
 */
export async function readRegionVotes(
  db: Queryable,
  rows: readonly MonitorStateRow[],
): Promise<RegionVotes> {
  const byMonitor = new Map<string, Map<string, RegionVote>>();
  const monitorIds = rows.filter((row) => row.regions.length > 1).map((row) => row.monitor_id);
  if (monitorIds.length === 0) return byMonitor;
  for (const row of await q.regionStatesOf.run({ monitorIds }, preparedConnection(db))) {
    const vote = { us: BigInt(row.last_checked_us), up: row.last_up, error: row.error };
    const votes = byMonitor.get(row.monitor_id);
    if (votes) votes.set(row.region, vote);
    else byMonitor.set(row.monitor_id, new Map([[row.region, vote]]));
  }
  return byMonitor;
}

/**
 * pushRegionStates adds each region's newest result of a monitor's batch to the columns
 * SaveMonitorStates writes, one per region (one statement may not write a row twice), in
 * region order.
 */
export function pushRegionStates(
  columns: MonitorStateColumns,
  monitorId: string,
  results: Iterable<CheckResult>,
): void {
  const newest = new Map<string, { result: CheckResult; us: bigint }>();
  for (const result of results) {
    const us = timestampUs(result.checkedAt);
    const seen = newest.get(result.region);
    if (seen === undefined || us > seen.us) newest.set(result.region, { result, us });
  }
  for (const [region, { result }] of [...newest].sort(([a], [b]) => (a < b ? -1 : 1))) {
    columns.regionMonitorIds.push(monitorId);
    columns.regions.push(region);
    columns.regionCheckedAts.push(timestampText(result.checkedAt));
    columns.regionUps.push(result.up);
    columns.regionResults.push(toJsonParam(toJson(CheckResultSchema, result)));
  }
}
