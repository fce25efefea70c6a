import type { Redis } from "ioredis";
import { monitorLockKey, monitorLockScripts } from "../checks/monitor-locks.js";

// A probe's checks take the same monitor locks as a worker's of its region
// (internal/checks/monitor-locks.ts, under monitorLockPrefix), with the same key and scripts: a
// probe and a worker of one region never check one monitor at once. The worker's locks are
// released by a closure in the process that took them; a probe's are released when its results
// arrive, in whichever API process they arrive, so each is taken with its lease's token, which
// the lease id carries.

/** ProbeMonitorLocks take and free a region's monitor locks under a lease's token. */
export interface ProbeMonitorLocks {
  /** acquire takes each monitor's lock for its TTL: true for each taken, in order. */
  acquire(
    token: string,
    requests: readonly { monitorId: string; ttlMs: number }[],
  ): Promise<boolean[]>;
  /** release frees those of the monitors' locks that the token still holds. */
  release(token: string, monitorIds: readonly string[]): Promise<void>;
}

/** createProbeMonitorLocks keeps the locks under `lockPrefix` (monitorLockPrefix's). */
export function createProbeMonitorLocks(redis: Redis, lockPrefix: string): ProbeMonitorLocks {
  const scripts = monitorLockScripts(redis);
  return {
    acquire: (token, requests) =>
      scripts.acquire(
        token,
        requests.map((r) => ({ key: monitorLockKey(lockPrefix, r.monitorId), ttlMs: r.ttlMs })),
      ),
    release: (token, monitorIds) =>
      scripts.release(monitorIds.map((id) => ({ key: monitorLockKey(lockPrefix, id), token }))),
  };
}
