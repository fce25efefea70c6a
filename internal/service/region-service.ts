import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { Redis } from "ioredis";
import { RegionSchema, type RegionService } from "../../gen/pulsar/v1/region_pb.js";
import { getCaller } from "../auth/caller.js";
import type { Queryable } from "../db/pool.js";
import { countOrgMonitorsByRegion } from "../regions/org-region-monitors.js";
import { readRegionPresence } from "../regions/region-presence.js";

/** RegionServiceDeps are where regions, their presence and the caller's monitors are read. */
export interface RegionServiceDeps {
  pool: Queryable;
  /** A command connection: each region's presence (and the pruning of entries a day old). */
  redis: Pick<Redis, "hgetall" | "hdel">;
  /** Key prefix in Redis (QUEUE_PREFIX). */
  prefix: string;
  /** DEFAULT_REGION: the region of a monitor that lists none. */
  defaultRegion: string;
  /** The regions known (CheckRegions.known()): scheduled into, served, or holding a probe token. */
  knownRegions: () => Promise<readonly string[]>;
  now?: () => number;
}

/**
 * createRegionService implements pulsar.v1.RegionService for any authenticated member. Regions
 * are the installation's, so every caller sees the same ones and who serves them; the monitor
 * counts, and the regions only its monitors list (one no worker serves any more), are the
 * caller's organization's alone.
 */
export function createRegionService(deps: RegionServiceDeps): ServiceImpl<typeof RegionService> {
  const now = deps.now ?? Date.now;
  return {
    async listRegions(_req, ctx) {
      const caller = getCaller(ctx);
      const [known, counts] = await Promise.all([
        deps.knownRegions(),
        countOrgMonitorsByRegion(deps.pool, caller.orgId, deps.defaultRegion),
      ]);
      const names = [...new Set([...known, deps.defaultRegion, ...counts.keys()])].sort();
      const at = now();
      const regions = await Promise.all(
        names.map(async (name) => {
          const presence = await readRegionPresence(deps.redis, deps.prefix, name, at);
          return create(RegionSchema, {
            name,
            live: presence.live,
            workers: presence.workers,
            probes: presence.probes,
            monitors: counts.get(name) ?? 0,
          });
        }),
      );
      return { regions, defaultRegion: deps.defaultRegion };
    },
  };
}
