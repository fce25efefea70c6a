import type { Redis } from "ioredis";
import type { Logger } from "../core/logger.js";
import { forgetWorker, ONLINE_MS, recordWorker } from "./region-presence.js";

/** PRESENCE_BEAT_MS is how often a worker says it serves its region: a third of ONLINE_MS, so
 *  two missed beats (a slow Redis, a long GC) do not show a live region as silent. */
export const PRESENCE_BEAT_MS = Math.floor(ONLINE_MS / 3);

/** PresenceBeatDeps are where a worker records itself and what it says of itself. */
export interface PresenceBeatDeps {
  /** A command connection; the caller closes it after stop(). */
  redis: Pick<Redis, "hset" | "hdel">;
  /** Key prefix in Redis (QUEUE_PREFIX). */
  prefix: string;
  /** The region this worker serves (REGION). */
  region: string;
  /** This process: "<hostname>:<pid>". */
  id: string;
  /** The worker's version (package.json's), shown on the Regions page. */
  version: string;
  /** PRESENCE_BEAT_MS when absent. */
  everyMs?: number;
  log: Pick<Logger, "warn">;
  now?: () => number;
}

/**
 * startPresenceBeat records the worker as serving its region (recordWorker) at once and every
 * `everyMs`, so that the Regions page (RegionService) shows it and the region as live. A failed
 * beat is logged and the next one tries again: presence is for display, never a reason to stop
 * checking. It returns stop(), which ends the beats, waits for one in flight and removes the
 * worker's entry (a failure is logged: the entry then ages out of ONLINE_MS by itself).
 */
export function startPresenceBeat(deps: PresenceBeatDeps): () => Promise<void> {
  const now = deps.now ?? Date.now;
  let inFlight: Promise<void> | undefined;
  let stopped = false;

  const beat = () => {
    // One at a time: a slow Redis must not pile beats up behind each other.
    inFlight ??= recordWorker(
      deps.redis,
      deps.prefix,
      deps.region,
      { id: deps.id, version: deps.version },
      now(),
    )
      .catch((error: unknown) =>
        deps.log.warn("recording this worker's region presence failed; retrying next beat", {
          region: deps.region,
          error,
        }),
      )
      .finally(() => {
        inFlight = undefined;
      });
  };

  const timer = setInterval(() => {
    if (!stopped) beat();
  }, deps.everyMs ?? PRESENCE_BEAT_MS);
  // The beat never keeps a process alive on its own.
  timer.unref();
  beat();

  return async () => {
    stopped = true;
    clearInterval(timer);
    await inFlight;
    await forgetWorker(deps.redis, deps.prefix, deps.region, deps.id).catch((error: unknown) =>
      deps.log.warn("removing this worker's region presence failed; it ages out", { error }),
    );
  };
}
