import type { JsonObject } from "@bufbuild/protobuf";
import type { Logger } from "../../core/logger.js";
import {
  CHECK_JOB_NAME,
  CHECK_JOB_OPTIONS,
  type CheckQueue,
  SCHEDULE_GRAIN_MS,
} from "./check-queue.js";
import type { CheckSchedule, ClaimedCheck } from "./check-schedule.js";

/** CheckDispatcherDeps are where due checks come from and where they go. */
export interface CheckDispatcherDeps {
  schedule: Pick<CheckSchedule, "claim">;
  queue: Pick<CheckQueue, "add" | "addBulk">;
  log: Logger;
}

/** CheckDispatcherOptions size the jobs and the claims. */
export interface CheckDispatcherOptions {
  /**
   * Checks per job at most. Large enough that BullMQ's own work per job (some fifteen Redis
   * commands, ~1 ms of a worker's CPU) is spread thin; small enough that the workers share a
   * busy slot's checks between them (each fetches jobs in turn). A slot's checks are split
   * into jobs of equal size: 60 make two jobs of 30, not one of 50 and one of 10.
   */
  batchSize?: number;
  /** Checks claimed per call: bounds how long one call holds Redis. */
  claimMax?: number;
}

const DEFAULT_BATCH_SIZE = 50;
const DEFAULT_CLAIM_MAX = 2000;
/** Past the grid's tick: the slot is due by then whatever the clocks round to. */
const TICK_DELAY_MS = 2;

/**
 * startCheckDispatcher claims the checks due at each slot of the grid and queues them as jobs of
 * up to `batchSize` checks, each check carrying its slot as its intended start. Every worker
 * runs one; whichever claims first takes the slot's checks, the others find none due (a call
 * each, ten a second). A worker killed between a claim and the jobs it queues (a round trip)
 * loses that slot's checks of those monitors; their next slots are already set. Returns a stop
 * function that waits for a claim in progress, so a worker stopping on SIGTERM loses none.
 */
export function startCheckDispatcher(
  deps: CheckDispatcherDeps,
  options: CheckDispatcherOptions = {},
): () => Promise<void> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const claimMax = options.claimMax ?? DEFAULT_CLAIM_MAX;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const dispatch = async () => {
    for (;;) {
      const claimed = await deps.schedule.claim(claimMax);
      if (claimed.length > 0) await enqueue(deps.queue, batchesOf(claimed, batchSize));
      // A full claim leaves more due (the workers were down, or a burst): take it at once.
      if (claimed.length < claimMax || stopped) return;
    }
  };

  const tick = () => {
    running = dispatch()
      .catch((error: unknown) => deps.log.warn("dispatching due checks failed", { error }))
      .finally(() => {
        if (stopped) return;
        const now = Date.now();
        timer = setTimeout(tick, SCHEDULE_GRAIN_MS - (now % SCHEDULE_GRAIN_MS) + TICK_DELAY_MS);
      });
  };
  timer = setTimeout(tick, 0);

  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}

/**
 * enqueue queues the jobs. One job, a slot's checks below `batchSize` (every slot's up to
 * ~500 checks a second), goes as a single command: addBulk sends even one job through an
 * ioredis pipeline, whose constructor copies every script BullMQ defined on the connection
 * (some 50, twice) onto it: ~1.4 % of a worker's CPU at 195 checks/s (perf with V8's jitdump,
 * bench/stack/worker-profile.ts).
 */
async function enqueue(
  queue: Pick<CheckQueue, "add" | "addBulk">,
  jobs: ReturnType<typeof batchesOf>,
): Promise<void> {
  const [only] = jobs;
  if (jobs.length === 1 && only) await queue.add(only.name, only.data, only.opts);
  else await queue.addBulk(jobs);
}

/**
 * batchesOf turns claimed checks into check jobs of equal size (within one), none over
 * `batchSize`, in the order they were due.
 */
export function batchesOf(
  claimed: readonly ClaimedCheck[],
  batchSize: number,
): { name: string; data: JsonObject; opts: typeof CHECK_JOB_OPTIONS }[] {
  const jobs = [];
  const size = Math.ceil(claimed.length / Math.ceil(claimed.length / batchSize));
  for (let i = 0; i < claimed.length; i += size) {
    // The kept JSON is a CheckJob's already: parsed as plain JSON, not decoded into a message
    // and encoded again.
    const checks = claimed
      .slice(i, i + size)
      .map((c) => ({ ...(JSON.parse(c.job) as JsonObject), scheduledAtMs: c.slotMs }));
    jobs.push({ name: CHECK_JOB_NAME, data: { checks }, opts: CHECK_JOB_OPTIONS });
  }
  return jobs;
}
