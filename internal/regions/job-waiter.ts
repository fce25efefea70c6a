import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../core/logger.js";

// TakeChecks waits for a region's checks to fall due on BullMQ's own wake-up rather than a poll
// per request. A manual-processing Worker's getNextJob(token, { block: true }) waits on the
// queue's marker (BZPOPMIN on its dedicated blocking connection, which a job added, a delayed
// job due, or a stalled job moved back wakes at once) and takes the job for the caller. That
// connection takes one blocking command at a time, and a second blocking getNextJob does not
// block at all, so one loop per region does the waiting and hands each job it takes to the
// longest-waiting request: any number of waiting requests cost one blocked command per BullMQ
// block timeout (drainDelay, 5 s) and one connection, the worker's own.

/** Handed is a job the waiter took for a request, locked with `token`. */
export interface Handed<J> {
  job: J;
  token: string;
}

/** JobWaiterDeps are how the waiter takes jobs and returns those nobody waits for any more. */
export interface JobWaiterDeps<J> {
  /**
   * next waits for the next ready job and takes it under `token` (getNextJob with block), or
   * resolves undefined when its block times out.
   */
  next(token: string): Promise<J | undefined>;
  /** putBack returns a job taken for a request that left meanwhile; it logs its own failure. */
  putBack(handed: Handed<J>): Promise<void>;
  newToken(): string;
  log: Logger;
  region: string;
}

/** JobWaiter hands a region's jobs, as they become ready, to the requests waiting for them. */
export interface JobWaiter<J> {
  /**
   * wait resolves with the next job taken for this request, or undefined at untilMs, when
   * signal aborts (the probe hung up) or when the waiter stops.
   */
  wait(untilMs: number, signal?: AbortSignal): Promise<Handed<J> | undefined>;
  /** waiting is the number of requests waiting now. */
  waiting(): number;
  /**
   * stop ends every wait at once and takes no more jobs; it resolves once the loop has ended,
   * which a loop blocked in BullMQ does only when the worker closes its blocking connection.
   */
  stop(): Promise<void>;
}

/** Pause after a failed fetch (Redis away), so that the loop does not spin on the error. */
const RETRY_MS = 1000;

interface Waiter<J> {
  settle(handed: Handed<J> | undefined): void;
}

/** createJobWaiter starts its loop when a request first waits and ends it when none do. */
export function createJobWaiter<J>(deps: JobWaiterDeps<J>): JobWaiter<J> {
  // In arrival order (a Set iterates in insertion order): the longest-waiting request first.
  // Bounded by the TakeChecks running at once, which the service bounds per probe token.
  const waiters = new Set<Waiter<J>>();
  const stopping = new AbortController();
  let loop: Promise<void> | undefined;

  const handOut = async (handed: Handed<J>) => {
    const [first] = waiters;
    if (first) {
      first.settle(handed);
      return;
    }
    // Taken in the moment its request left (aborted, or its wait ended): another probe's.
    await deps.putBack(handed);
  };

  const run = async () => {
    while (waiters.size > 0 && !stopping.signal.aborted) {
      const token = deps.newToken();
      let job: J | undefined;
      try {
        job = await deps.next(token);
      } catch (error) {
        deps.log.warn("waiting for check jobs failed; will retry", { region: deps.region, error });
        await sleep(RETRY_MS, undefined, { signal: stopping.signal }).catch(() => undefined);
        continue;
      }
      if (job !== undefined) await handOut({ job, token });
    }
  };

  const ensureLoop = () => {
    if (loop) return;
    loop = run().finally(() => {
      loop = undefined;
      // A request that came while the loop was ending its last pass still needs one.
      if (waiters.size > 0 && !stopping.signal.aborted) ensureLoop();
    });
  };

  return {
    wait(untilMs, signal) {
      const left = untilMs - Date.now();
      if (left <= 0 || signal?.aborted || stopping.signal.aborted) {
        return Promise.resolve(undefined);
      }
      return new Promise((resolve) => {
        const onAbort = () => waiter.settle(undefined);
        const timer = setTimeout(onAbort, left);
        const waiter: Waiter<J> = {
          settle(handed) {
            if (!waiters.delete(waiter)) return;
            clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            resolve(handed);
          },
        };
        waiters.add(waiter);
        signal?.addEventListener("abort", onAbort, { once: true });
        ensureLoop();
      });
    },
    waiting: () => waiters.size,
    async stop() {
      stopping.abort();
      for (const waiter of [...waiters]) waiter.settle(undefined);
      await loop;
    },
  };
}
