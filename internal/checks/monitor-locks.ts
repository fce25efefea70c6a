import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../core/logger.js";

/** LockRequest asks for one monitor's lock for `ttlMs`. */
export interface LockRequest {
  monitorId: string;
  ttlMs: number;
}

/**
 * Release frees a lock taken by acquire. It does not wait for Redis: releases are sent together
 * (see createMonitorLocks), and a failed one is logged (the lock's TTL frees it anyway).
 */
export type Release = () => void;

/** MonitorLocks keep two checks of one monitor from running at once, across all workers. */
export interface MonitorLocks {
  /**
   * acquire takes the locks of a job's checks in one call: for each request, in order, its
   * release, or undefined when another check holds that monitor.
   */
  acquire(requests: readonly LockRequest[]): Promise<(Release | undefined)[]>;
  /** flush sends the releases not sent yet; close() of a worker calls it last. */
  flush(): Promise<void>;
}

/** MonitorLocksOptions tune how releases are gathered. */
export interface MonitorLocksOptions {
  /**
   * How long a release may wait for others to go with it. A lock freed this much later only
   * delays the next check of its monitor, an interval away, by nothing.
   */
  releaseDelayMs?: number;
  log?: Logger;
}

// KEYS: the locks. ARGV: the token, then each lock's TTL in ms. Returns 1 for each lock taken,
// 0 for each another check holds.
const ACQUIRE = `
local taken = {}
for i, key in ipairs(KEYS) do
  taken[i] = redis.call('SET', key, ARGV[1], 'PX', ARGV[i + 1], 'NX') and 1 or 0
end
return taken`;

// KEYS: the locks. ARGV: the token each was taken with. Deletes a lock only if it is still
// ours: after a TTL expiry another worker may hold it.
const RELEASE = `
local freed = 0
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i] then freed = freed + redis.call('DEL', key) end
end
return freed`;

/** WithScripts is the connection once the scripts are defined on it. */
interface WithScripts {
  pulsarAcquireMonitorLocks(...args: (string | number)[]): Promise<number[]>;
  pulsarReleaseMonitorLocks(...args: string[]): Promise<number>;
}

/** monitorLockKey is the key of a monitor's lock under a lock prefix. */
export function monitorLockKey(prefix: string, monitorId: string): string {
  return `${prefix}:monitor-lock:${monitorId}`;
}

/**
 * MonitorLockScripts take and free monitor locks in one call each: the one way every holder of
 * these locks (a worker's checks, a remote probe's leases in the API) reads and writes them.
 */
export interface MonitorLockScripts {
  /** acquire takes each lock under `token` for its TTL: true for each taken, in order. */
  acquire(token: string, locks: readonly { key: string; ttlMs: number }[]): Promise<boolean[]>;
  /** release frees each lock still held under its token. */
  release(locks: readonly { key: string; token: string }[]): Promise<void>;
}

/**
 * monitorLockScripts defines the scripts once on the connection, so each call is an EVALSHA of
 * their hash (ioredis loads them again if Redis restarted empty), not their text sent and hashed
 * by Redis each time.
 */
export function monitorLockScripts(redis: Redis): MonitorLockScripts {
  redis.defineCommand("pulsarAcquireMonitorLocks", { lua: ACQUIRE });
  redis.defineCommand("pulsarReleaseMonitorLocks", { lua: RELEASE });
  // defineCommand adds the methods at run time, where ioredis's types cannot see them.
  const scripted = redis as unknown as WithScripts;
  return {
    async acquire(token, locks) {
      if (locks.length === 0) return [];
      const taken = await scripted.pulsarAcquireMonitorLocks(
        locks.length,
        ...locks.map((lock) => lock.key),
        token,
        ...locks.map((lock) => Math.max(1, Math.ceil(lock.ttlMs))),
      );
      return locks.map((_, i) => taken[i] === 1);
    },
    async release(locks) {
      if (locks.length === 0) return;
      await scripted.pulsarReleaseMonitorLocks(
        String(locks.length),
        ...locks.map((lock) => lock.key),
        ...locks.map((lock) => lock.token),
      );
    },
  };
}

const DEFAULT_RELEASE_DELAY_MS = 20;
/** Releases sent in one call at most: bounds how long one call holds Redis. */
const MAX_RELEASES_PER_CALL = 500;

/**
 * createMonitorLocks keeps the locks in Redis under `prefix`, with a TTL so a killed worker's
 * lock frees itself. A job's locks are taken in one script call, and the releases of checks
 * that end within `releaseDelayMs` of each other go in one call too: a call per lock was an
 * eighth of a worker's CPU, most of it in socket writes (monitorLockScripts).
 */
export function createMonitorLocks(
  redis: Redis,
  prefix: string,
  options: MonitorLocksOptions = {},
): MonitorLocks {
  const scripts = monitorLockScripts(redis);
  const delay = options.releaseDelayMs ?? DEFAULT_RELEASE_DELAY_MS;
  const keyOf = (monitorId: string) => monitorLockKey(prefix, monitorId);

  let pending: { key: string; token: string }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();

  const send = (releases: { key: string; token: string }[]) => scripts.release(releases);
  const flush = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    for (let i = 0; i < batch.length; i += MAX_RELEASES_PER_CALL) {
      const part = batch.slice(i, i + MAX_RELEASES_PER_CALL);
      sending = sending.then(() =>
        send(part).catch((error: unknown) =>
          options.log?.warn("releasing monitor locks failed; their TTL frees them", { error }),
        ),
      );
    }
    return sending;
  };

  return {
    async acquire(requests) {
      if (requests.length === 0) return [];
      const token = randomUUID();
      const keys = requests.map((r) => keyOf(r.monitorId));
      const taken = await scripts.acquire(
        token,
        requests.map((r, i) => ({ key: keys[i] ?? "", ttlMs: r.ttlMs })),
      );
      return keys.map((key, i) => {
        if (!taken[i]) return undefined;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          pending.push({ key, token });
          if (pending.length >= MAX_RELEASES_PER_CALL) void flush();
          else timer ??= setTimeout(() => void flush(), delay);
        };
      });
    },
    flush,
  };
}
