import type { Queue } from "bullmq";
import { Gauge, type Registry } from "prom-client";
import type { Logger } from "../core/logger.js";

/** The job states reported; BullMQ counts each with one O(1) command (LLEN or ZCARD). */
const STATES = [
  "waiting",
  "prioritized",
  "delayed",
  "active",
  "waiting-children",
  "failed",
  "completed",
] as const;

/** A scrape must not hang on a Redis that does not answer (BullMQ's connection waits). */
const COUNT_TIMEOUT_MS = 2000;

/** QueueDepthDeps are the queues to report, by name, and where a failed count is logged. */
export interface QueueDepthDeps {
  /** Keyed by the `queue` label value ("checks", "alerts"). */
  queues: Record<string, Pick<Queue, "getJobCounts">>;
  log: Pick<Logger, "debug">;
}

/**
 * registerQueueDepth registers pulsar_queue_depth{queue, state}, read from Redis when scraped
 * (one round trip per queue, whatever its length), never on a check's path. The queues are
 * shared: every worker reports the same numbers, so aggregate with max(), not sum(). When Redis
 * does not answer the series are left out rather than reporting stale numbers.
 */
export function registerQueueDepth(registry: Registry, deps: QueueDepthDeps): void {
  const entries = Object.entries(deps.queues);
  new Gauge({
    name: "pulsar_queue_depth",
    help: "Jobs in each BullMQ queue by state, read at scrape time (the same for every worker).",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        entries.map(async ([name, queue]) => {
          try {
            const counts = await withTimeout(queue.getJobCounts(...STATES), COUNT_TIMEOUT_MS);
            for (const state of STATES) this.set({ queue: name, state }, counts[state] ?? 0);
          } catch (error) {
            deps.log.debug("counting queue jobs failed", { queue: name, error });
          }
        }),
      );
    },
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
