import { create } from "@bufbuild/protobuf";
import { type RegionStats, RegionStatsSchema } from "../../../gen/pulsar/v1/monitor_pb.js";
import { connection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import * as q from "./region-stats.queries.js";
import { statsOf } from "./stats-row.js";

/**
 * RegionStatsQuery selects one monitor's checks from since to now in each of its regions;
 * window is echoed as a label.
 */
export interface RegionStatsQuery {
  monitorId: string;
  /** The monitor's regions, in its order: the answer follows it. */
  regions: readonly string[];
  since: Date;
  window: string;
}

/**
 * getMonitorRegionStats gives, in one query, GetMonitorStats' figures for each of a monitor's
 * regions in the order given: uptime, checks and failures, and the percentiles and average of
 * the timings over the checks that got a response. A region without checks in the window has
 * zeros. No certificate: the monitor's stats carry the newest one seen from any region.
 */
export async function getMonitorRegionStats(
  db: Queryable,
  query: RegionStatsQuery,
): Promise<RegionStats[]> {
  if (query.regions.length === 0) return [];
  const rows = await q.getMonitorRegionStats.run(
    { monitorId: query.monitorId, since: query.since, regions: [...query.regions] },
    connection(db),
  );
  const byRegion = new Map(rows.map((row) => [row.region, row]));
  return query.regions.map((region) =>
    create(RegionStatsSchema, { region, stats: statsOf(query.window, byRegion.get(region)) }),
  );
}
