import type { Redis } from "ioredis";
import type pg from "pg";
import type { Logger } from "../../core/logger.js";
import { startCheckDispatcher } from "./check-dispatcher.js";
import { type CheckQueue, checkQueueName, LOCAL_REGION } from "./check-queue.js";
import { rememberRegions } from "./check-regions.js";
import { createCheckSchedule } from "./check-schedule.js";
import { startReconcileLoop } from "./reconcile.js";
import { countRegionMonitors, listRegionSchedules } from "./region-monitors.js";

/** RegionDispatchDeps are what keeping one region's checks flowing into its queue needs. */
export interface RegionDispatchDeps {
  pool: pg.Pool;
  /** A plain (command) connection: the schedule, the reconcile lock, the regions known. */
  redis: Redis;
  /** The region's check queue (createCheckQueue with `region`). */
  queue: Pick<CheckQueue, "name" | "add" | "addBulk" | "getJobSchedulers" | "removeJobScheduler">;
  prefix: string;
  region: string;
  /** DEFAULT_REGION: the region of a monitor that lists none. */
  defaultRegion: string;
  reconcileEveryMs: number;
  log: Logger;
}

const FULL_RECONCILE_MS = 5 * 60_000;

/**
 * startRegionDispatch claims the region's due checks from its schedule and queues them on its
 * queue, and keeps the schedule reconciled with Postgres. Whoever serves a region runs it: each
 * of its workers (check-worker.ts), and the API for a region served by remote probes alone
 * (internal/regions/probe-regions.ts), which has no worker to do it. Any number may run at once:
 * a slot's claim is atomic, and a lock per region lets one of them do each reconcile pass.
 * Returns a stop function that waits for a claim and a pass in progress.
 */
export function startRegionDispatch(deps: RegionDispatchDeps): () => Promise<void> {
  const { region } = deps;
  // A queue of another region would take this region's checks to that one's workers.
  if (deps.queue.name !== checkQueueName(region)) {
    throw new Error(`the dispatch of region ${region} got queue ${deps.queue.name}`);
  }
  const schedule = createCheckSchedule(deps.redis, deps.prefix, region);
  const stopDispatch = startCheckDispatcher({ schedule, queue: deps.queue, log: deps.log });
  const stopReconcile = startReconcileLoop(
    {
      schedule,
      queue: deps.queue,
      redis: deps.redis,
      // One lock per region: each region's servers reconcile its schedule.
      lockKey: `${deps.prefix}:${deps.queue.name}:reconcile-lock`,
      // Every pass, so that the API, which removes a monitor from the regions known, knows
      // this one again after Redis lost its data.
      announce: () => rememberRegions(deps.redis, deps.prefix, [region]),
      loadSchedules: () => listRegionSchedules(deps.pool, region, deps.defaultRegion),
      countEnabled: () => countRegionMonitors(deps.pool, region, deps.defaultRegion),
      log: deps.log,
    },
    { checkEveryMs: deps.reconcileEveryMs, fullEveryMs: FULL_RECONCILE_MS },
  );
  return async () => {
    // Claims no more; a claim in progress is queued before this resolves.
    await stopDispatch();
    await stopReconcile();
  };
}

/**
 * monitorLockPrefix is the key prefix of a region's monitor locks (internal/checks/monitor-locks.ts):
 * every server of the region, worker or the API leasing to probes, takes a monitor's lock under
 * it, so that no two checks of one monitor from one region overlap, while other regions check
 * the monitor at the same slot. (LOCAL_REGION's keys as before regions.)
 */
export function monitorLockPrefix(prefix: string, region: string): string {
  return region === LOCAL_REGION ? prefix : `${prefix}:${checkQueueName(region)}`;
}
