import type { Monitor } from "../../../gen/pulsar/v1/monitor_pb";
import type { ListRegionsResponse } from "../../../gen/pulsar/v1/region_pb";
import { kindOf } from "./monitor-kind";

/** RegionLiveness says, for each region ListRegions named, whether a worker or probe serves it now. */
export type RegionLiveness = ReadonlyMap<string, boolean>;

/** livenessOf reads ListRegions' answer as each region's liveness. */
export function livenessOf(answer: Pick<ListRegionsResponse, "regions">): RegionLiveness {
  return new Map(answer.regions.map((region) => [region.name, region.live]));
}

/**
 * silentRegionsOf names the regions a monitor lists that no worker or probe serves now: it gets
 * no checks from them. Nothing while liveness is unknown (not loaded, or the RPC failed), nor
 * for a region ListRegions did not name (the answer predates the monitor): a flag must never be
 * a guess. Heartbeats are never flagged: their pings arrive whatever serves their regions.
 */
export function silentRegionsOf(
  monitor: Pick<Monitor, "regions" | "kind" | "tcp" | "dns" | "heartbeat">,
  liveness: RegionLiveness | undefined,
): string[] {
  if (!liveness || kindOf(monitor) === "heartbeat") return [];
  return monitor.regions.filter((region) => liveness.get(region) === false);
}
