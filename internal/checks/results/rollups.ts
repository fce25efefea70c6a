import { connection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import * as q from "./results.queries.js";

/** HourlyRollup is one monitor's checks in one UTC hour. */
export interface HourlyRollup {
  monitorId: string;
  hour: Date;
  checks: number;
  failures: number;
  /** Checks that got a response; totalMsSum adds up their total_ms. */
  responses: number;
  totalMsSum: number;
}

/**
 * listHourlyRollups reads the rollups since an hour of those of the given monitors that belong
 * to the organization (others are left out), ordered by monitor and hour.
 */
export async function listHourlyRollups(
  db: Queryable,
  query: { orgId: string; monitorIds: readonly string[]; since: Date },
): Promise<HourlyRollup[]> {
  const rows = await q.getMonitorSummaries.run(
    { orgId: query.orgId, monitorIds: [...query.monitorIds], since: query.since },
    connection(db),
  );
  return rows.map((row) => ({
    monitorId: row.monitor_id,
    hour: row.hour,
    checks: row.checks,
    failures: row.failures,
    responses: row.responses,
    totalMsSum: row.total_ms_sum,
  }));
}

/** TimingBucket is the phases of one monitor's checks in one time bucket (averages, ms). */
export type TimingBucket = q.GetMonitorTimingsResult;

/** listTimingBuckets reads one monitor's phases per bucket of stepSeconds since a time. */
export async function listTimingBuckets(
  db: Queryable,
  query: { monitorId: string; since: Date; stepSeconds: number },
): Promise<TimingBucket[]> {
  return q.getMonitorTimings.run(query, connection(db));
}
