import type { Redis } from "ioredis";
import type { GetSystemStatsResponse } from "../../../gen/pulsar/v1/system_pb.js";
import type { Logger } from "../../core/logger.js";
import { createReadingHistory } from "./history.js";
import { PUBLISH_INTERVAL_MS } from "./published.js";
import { readPublishedRegistries } from "./readings.js";
import { computeSystemStats } from "./stats.js";

/** SystemStatsSourceDeps are where the readings are. */
export interface SystemStatsSourceDeps {
  /** A command connection; the caller closes it. */
  redis: Pick<Redis, "zrevrangebyscore" | "mget">;
  /** Key prefix in Redis (QUEUE_PREFIX). */
  prefix: string;
  log: Pick<Logger, "warn">;
  now?: () => number;
}

/** SystemStatsSource answers the System page's figures from the readings it has taken. */
export interface SystemStatsSource {
  /** sample takes the processes' current readings now; it never rejects (failures are logged). */
  sample(): Promise<void>;
  /**
   * stats computes the figures over the last windowSeconds (10–3600, checked by the caller),
   * taking the current readings first unless the last were taken within the second.
   */
  stats(windowSeconds: number): Promise<GetSystemStatsResponse>;
}

/** A second: several viewers polling at once share one reading of Redis. */
const FRESH_MS = 1000;

/**
 * createSystemStatsSource keeps the processes' published readings in a bounded history
 * (history.ts), taken when asked and by startSystemStatsSampling: every API process keeps its
 * own (they read the same Redis, so they agree).
 */
export function createSystemStatsSource(deps: SystemStatsSourceDeps): SystemStatsSource {
  const now = deps.now ?? Date.now;
  const history = createReadingHistory();
  let inFlight: Promise<void> | undefined;
  let sampledAt = Number.NEGATIVE_INFINITY;
  const sample = () => {
    inFlight ??= readPublishedRegistries(deps.redis, deps.prefix, now())
      .then((readings) => {
        history.record(readings);
        sampledAt = now();
      })
      .catch((error: unknown) => deps.log.warn("reading the processes' metrics failed", { error }))
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  return {
    sample,
    async stats(windowSeconds) {
      if (now() - sampledAt >= FRESH_MS) await sample();
      return computeSystemStats(history.pairs(windowSeconds), now());
    },
  };
}

/**
 * startSystemStatsSampling takes the readings every intervalMs whether or not anyone looks, so
 * the System page has its window's rates the moment it opens: one range and one MGET of a few
 * tens of KiB per interval. It returns the function that stops it.
 */
export function startSystemStatsSampling(
  source: Pick<SystemStatsSource, "sample">,
  intervalMs = PUBLISH_INTERVAL_MS,
): () => void {
  const timer = setInterval(() => void source.sample(), intervalMs);
  // Sampling never keeps a process alive on its own.
  timer.unref();
  void source.sample();
  return () => clearInterval(timer);
}
