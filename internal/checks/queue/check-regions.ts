import type { ConnectionOptions } from "bullmq";
import type { Redis } from "ioredis";
import { type CheckQueue, createCheckQueue } from "./check-queue.js";
import { type CheckSchedule, createCheckSchedule } from "./check-schedule.js";

/**
 * CheckRegions opens each region's schedule and check queue as they are first needed, and
 * keeps the set of regions known: every region ever scheduled into or served by a worker, so
 * that a monitor leaving a region is removed from its schedule. The API's scheduler uses it.
 */
export interface CheckRegions {
  /** schedule is the region's check schedule. */
  schedule(region: string): CheckSchedule;
  /** queue is the region's check queue. */
  queue(region: string): CheckQueue;
  /** remember adds regions to the set known. */
  remember(regions: readonly string[]): Promise<void>;
  /** known lists the regions known. */
  known(): Promise<string[]>;
  /** close closes the queues it opened. */
  close(): Promise<void>;
}

/** CheckRegionsDeps are the connections and key prefix of the schedules and queues. */
export interface CheckRegionsDeps {
  /** A plain (command) connection: the schedules and the set of regions. */
  redis: Redis;
  /** BullMQ's connection of the queues. */
  queueConnection: ConnectionOptions;
  prefix: string;
}

/** knownRegionsKey is the Redis set of the regions known under `prefix`. */
function knownRegionsKey(prefix: string): string {
  return `${prefix}:check-regions`;
}

/**
 * rememberRegions adds regions to the set known under `prefix`: a worker adds its own as it
 * serves it, the API each region it schedules into. Lost with Redis' data, it is lost together
 * with the schedules it points to, and filled again as they are rebuilt.
 */
export async function rememberRegions(
  redis: Pick<Redis, "sadd">,
  prefix: string,
  regions: readonly string[],
): Promise<void> {
  if (regions.length > 0) await redis.sadd(knownRegionsKey(prefix), ...regions);
}

/** createCheckRegions returns the regions' schedules and queues on the given connections. */
export function createCheckRegions(deps: CheckRegionsDeps): CheckRegions {
  const schedules = new Map<string, CheckSchedule>();
  const queues = new Map<string, CheckQueue>();
  return {
    schedule(region) {
      let schedule = schedules.get(region);
      if (!schedule) {
        schedule = createCheckSchedule(deps.redis, deps.prefix, region);
        schedules.set(region, schedule);
      }
      return schedule;
    },
    queue(region) {
      let queue = queues.get(region);
      if (!queue) {
        queue = createCheckQueue(deps.queueConnection, deps.prefix, region);
        queues.set(region, queue);
      }
      return queue;
    },
    remember: (regions) => rememberRegions(deps.redis, deps.prefix, regions),
    known: () => deps.redis.smembers(knownRegionsKey(deps.prefix)),
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      queues.clear();
    },
  };
}
