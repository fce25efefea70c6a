import type { Redis } from "ioredis";
import type { Logger } from "../../core/logger.js";
import type { CheckQueue, MonitorSchedule } from "./check-queue.js";
import type { CheckSchedule } from "./check-schedule.js";

/**
 * ReconcileDeps are what reconciliation reads: Postgres' monitors and Redis' schedule, both of
 * one region (a worker reconciles the region it serves).
 */
export interface ReconcileDeps {
  schedule: Pick<CheckSchedule, "monitorIds" | "sync" | "remove" | "count">;
  /**
   * The check queue, whose BullMQ job schedulers (one per monitor, left by versions before the
   * schedule) are removed.
   */
  queue: Pick<CheckQueue, "getJobSchedulers" | "removeJobScheduler">;
  /** Every enabled monitor of the region, from Postgres (the system of record). */
  loadSchedules: () => Promise<MonitorSchedule[]>;
  /** How many monitors of the region are enabled: compared with Redis on the cheap pass. */
  countEnabled: () => Promise<number>;
  log: Logger;
}

/** ReconcileLoopDeps add the Redis connection that holds the loop's lock. */
export interface ReconcileLoopDeps extends ReconcileDeps {
  redis: Pick<Redis, "set">;
  /** Key of the lock that lets one worker at a time reconcile. */
  lockKey: string;
  /** Runs at every pass of every worker, before the lock is tried. */
  announce?: () => Promise<void>;
}

/** ReconcileOutcome counts what a full reconciliation changed. */
export interface ReconcileOutcome {
  added: number;
  updated: number;
  removed: number;
}

const PAGE = 1000;

/**
 * reconcileSchedules makes Redis' check schedule match Postgres: missing monitors are added,
 * ones whose check differs are rewritten, orphans (deleted or paused monitors) are removed;
 * entries already as wanted keep their next slot. Safe to run while the API changes monitors:
 * every step is an idempotent write or remove, the API applies its own change right after
 * committing it, and Redis is read before Postgres. (Read the other way round, a monitor
 * created between the two reads is in Redis but not in the Postgres snapshot, and would be
 * removed as an orphan until the next pass put it back, its checks missed meanwhile.)
 */
export async function reconcileSchedules(deps: ReconcileDeps): Promise<ReconcileOutcome> {
  const kept = await deps.schedule.monitorIds();
  const wanted = await deps.loadSchedules();
  const wantedIds = new Set(wanted.map((s) => s.monitorId));
  const orphans = kept.filter((id) => !wantedIds.has(id));
  await deps.schedule.remove(orphans);
  const { added, updated } = await deps.schedule.sync(wanted);
  await removeJobSchedulers(deps.queue);
  return { added, updated, removed: orphans.length };
}

/**
 * removeJobSchedulers removes the BullMQ job schedulers that versions before the check schedule
 * made, one per monitor: left alone they would go on checking every monitor a second time.
 */
async function removeJobSchedulers(queue: ReconcileDeps["queue"]): Promise<void> {
  for (;;) {
    const schedulers = await queue.getJobSchedulers(0, PAGE - 1);
    if (schedulers.length === 0) return;
    for (const scheduler of schedulers) await queue.removeJobScheduler(scheduler.key);
  }
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
    await deps.announce?.();
    const got = await deps.redis.set(
      deps.lockKey,
      String(process.pid),
      "PX",
      options.checkEveryMs,
      "NX",
    );
    if (got !== "OK") return;
    const due = Date.now() - lastFull >= options.fullEveryMs;
    const mismatch = !due && (await deps.countEnabled()) !== (await deps.schedule.count());
    if (!due && !mismatch) return;
    const outcome = await reconcileSchedules(deps);
    lastFull = Date.now();
    if (outcome.added + outcome.updated + outcome.removed > 0 || mismatch) {
      deps.log.info("reconciled the check schedule with monitors", { ...outcome, mismatch });
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
