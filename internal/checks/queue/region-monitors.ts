import { connection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import { listEnabledSchedules } from "../monitors/monitors.js";
import { type MonitorSchedule, regionsOf } from "./check-queue.js";
import * as q from "./region-monitors.queries.js";

/**
 * countRegionMonitors counts the enabled monitors `region` checks: those whose resolved regions
 * (regionsOf, with `defaultRegion`) contain it, as listEnabledSchedules filtered would.
 */
export async function countRegionMonitors(
  db: Queryable,
  region: string,
  defaultRegion: string,
): Promise<number> {
  const [row] = await q.countRegionMonitors.run(
    { region, isDefault: region === defaultRegion },
    connection(db),
  );
  return row?.count ?? 0;
}

/**
 * listRegionSchedules reads the schedules of the enabled monitors `region` checks: those whose
 * resolved regions contain it. A worker's full reconciliation pass reads it.
 */
export async function listRegionSchedules(
  db: Queryable,
  region: string,
  defaultRegion: string,
): Promise<MonitorSchedule[]> {
  const all = await listEnabledSchedules(db);
  return all.filter((schedule) => regionsOf(schedule, defaultRegion).includes(region));
}
