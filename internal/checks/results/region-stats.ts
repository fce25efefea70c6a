import { create } from "@bufbuild/protobuf";
import {
  type MonitorStats,
  type RegionStats,
  RegionStatsSchema,
} from "../../../gen/pulsar/v1/monitor_pb.js";
import { connection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import * as q from "./region-stats.queries.js";
import { statsOf, withCertificate } from "./stats-row.js";

/**
 * RegionStatsQuery selects one monitor's checks from since to now, as a whole and in each of its
 * regions; window is echoed as a label.
 */
export interface RegionStatsQuery {
  monitorId: string;
  /** The monitor's regions, in its order: the answer follows it. */
  regions: readonly string[];
  since: Date;
  window: string;
}

/** StatsWithRegions are a monitor's stats over a window and each of its regions' figures. */
export interface StatsWithRegions {
  stats: MonitorStats;
  regions: RegionStats[];
}

/**
 * getMonitorStatsWithRegions gives, in one query that reads the window once, what
 * getMonitorStats gives (over every region's checks, with the certificate) and the same figures
 * for each of the monitor's regions in the order given: uptime, checks and failures, and the
 * percentiles and average of the timings over the checks that got a response. A region without
 * checks in the window has zeros, and no certificate: the monitor's stats carry the newest one
 * seen from any region. Without regions to show, getMonitorStats costs less.
 */
export async function getMonitorStatsWithRegions(
  db: Queryable,
  query: RegionStatsQuery,
): Promise<StatsWithRegions> {
  const rows = await q.getMonitorStatsWithRegions.run(
    { monitorId: query.monitorId, since: query.since, regions: [...query.regions] },
    connection(db),
  );
  let whole: q.GetMonitorStatsWithRegionsResult | undefined;
  const byRegion = new Map<string, q.GetMonitorStatsWithRegionsResult>();
  for (const row of rows) {
    if (row.whole) whole = row;
    else if (row.region !== null) byRegion.set(row.region, row);
  }
  return {
    stats: withCertificate(statsOf(query.window, whole), whole),
    regions: query.regions.map((region) =>
      create(RegionStatsSchema, { region, stats: statsOf(query.window, byRegion.get(region)) }),
    ),
  };
}
