import type { Redis } from "ioredis";
import type { Logger } from "../../core/logger.js";
import {
  type CheckQueue,
  encodeCheckJob,
  type MonitorSchedule,
  scheduleOffsetMs,
} from "./check-queue.js";
import { upsertSchedule } from "./schedules.js";

/** ReconcileDeps are what reconciliation reads: Postgres' monitors and Redis' schedulers. */
export interface ReconcileDeps {
  queue: CheckQueue;
  /** Every enabled monitor, from Postgres (the system of record). */
  loadSchedules: () => Promise<MonitorSchedule[]>;
  /** How many monitors are enabled: compared with Redis on the cheap, frequent pass. */
  countEnabled: () => Promise<number>;
  log: Logger;
}

/** ReconcileLoopDeps add the Redis connection that holds the loop's lock. */
export interface ReconcileLoopDeps extends ReconcileDeps {
  redis: Pick<Redis, "set">;
  /** Key of the lock that lets one worker at a time reconcile. */
  lockKey: string;
}

/** ReconcileOutcome counts what a full reconciliation changed. */
export interface ReconcileOutcome {
  added: number;
  updated: number;
  removed: number;
}

const PAGE = 1000;

/**
 * reconcileSchedules makes Redis' job schedulers match Postgres: missing ones are added, ones
 * whose interval or job data differ are replaced, orphans (deleted or paused monitors) are
 * removed. Safe to run while the API changes monitors: every step is an idempotent upsert or
 * remove, the API applies its own change right after committing it, and Redis is read before
 * Postgres. (Read the other way round, a monitor created between the two reads has its
 * scheduler in Redis but not in the Postgres snapshot, and would be removed as an orphan until
 * the next pass put it back, its checks missed meanwhile.)
 */
export async function reconcileSchedules(deps: ReconcileDeps): Promise<ReconcileOutcome> {
  const schedulers = [];
  const total = await deps.queue.getJobSchedulersCount();
  for (let start = 0; start < total; start += PAGE) {
    schedulers.push(...(await deps.queue.getJobSchedulers(start, start + PAGE - 1, true)));
  }
  const wanted = new Map((await deps.loadSchedules()).map((s) => [s.monitorId, s]));
  const outcome: ReconcileOutcome = { added: 0, updated: 0, removed: 0 };
  const seen = new Set<string>();
  for (const scheduler of schedulers) {
    const id = scheduler.key;
    seen.add(id);
    const schedule = wanted.get(id);
    if (!schedule) {
      await deps.queue.removeJobScheduler(id);
      outcome.removed++;
      continue;
    }
    const every = schedule.intervalSeconds * 1000;
    const sameData =
      JSON.stringify(scheduler.template?.data) === JSON.stringify(encodeCheckJob(schedule));
    if (
      scheduler.every !== every ||
      scheduler.offset !== scheduleOffsetMs(id, every) ||
      !sameData
    ) {
      await upsertSchedule(deps.queue, schedule);
      outcome.updated++;
    }
  }
  for (const [id, schedule] of wanted) {
    if (seen.has(id)) continue;
    await upsertSchedule(deps.queue, schedule);
    outcome.added++;
  }
  return outcome;
}

/** ReconcileLoopOptions tune how often Redis is compared with Postgres. */
export interface ReconcileLoopOptions {
  /** Cheap pass: compare counts; a mismatch (e.g. Redis restarted empty) triggers a full pass. */
  checkEveryMs: number;
  /** Full pass regardless of counts, to catch changed data with equal counts. */
  fullEveryMs: number;
}

/**
 * startReconcileLoop runs a full reconciliation now and then keeps checking. Several workers may
 * run it; a short Redis lock lets one of them do each pass. Returns a stop function that waits
 * for a pass in progress.
 */
export function startReconcileLoop(
  deps: ReconcileLoopDeps,
  options: ReconcileLoopOptions,
): () => Promise<void> {
  let lastFull = 0;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const pass = async () => {
    const got = await deps.redis.set(
      deps.lockKey,
      String(process.pid),
      "PX",
      options.checkEveryMs,
      "NX",
    );
    if (got !== "OK") return;
    const due = Date.now() - lastFull >= options.fullEveryMs;
    const mismatch =
      !due && (await deps.countEnabled()) !== (await deps.queue.getJobSchedulersCount());
    if (!due && !mismatch) return;
    const outcome = await reconcileSchedules(deps);
    lastFull = Date.now();
    if (outcome.added + outcome.updated + outcome.removed > 0 || mismatch) {
      deps.log.info("reconciled job schedulers with monitors", { ...outcome, mismatch });
    }
  };

  const tick = () => {
    running = pass()
      .catch((error: unknown) =>
        deps.log.warn("schedule reconciliation failed; will retry", { error }),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.checkEveryMs);
      });
  };
  tick();

  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
