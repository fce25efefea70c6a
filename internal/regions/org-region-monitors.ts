import { connection } from "../db/connection.js";
import type { Queryable } from "../db/pool.js";
import * as q from "./org-region-monitors.queries.js";

/**
 * countOrgMonitorsByRegion counts, in one query, how many of an organization's monitors list
 * each region; the default region counts those that list none. Regions no monitor lists are
 * absent from the map.
 */
export async function countOrgMonitorsByRegion(
  db: Queryable,
  orgId: string,
  defaultRegion: string,
): Promise<Map<string, number>> {
  const rows = await q.countOrgMonitorsByRegion.run({ orgId, defaultRegion }, connection(db));
  return new Map(rows.map((row) => [row.region, row.count]));
}
