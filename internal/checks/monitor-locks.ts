import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/** MonitorLocks keep two checks of one monitor from running at once, across all workers. */
export interface MonitorLocks {
  /** acquire returns a release function, or undefined when another check holds the monitor. */
  acquire(monitorId: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
}

// Deletes the lock only if it is still ours: after a TTL expiry another worker may hold it.
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/** createMonitorLocks keeps the locks in Redis under `prefix`, with a TTL so a killed worker's
 *  lock frees itself. */
export function createMonitorLocks(redis: Redis, prefix: string): MonitorLocks {
  return {
    async acquire(monitorId, ttlMs) {
      const key = `${prefix}:monitor-lock:${monitorId}`;
      const token = randomUUID();
      const ok = await redis.set(key, token, "PX", ttlMs, "NX");
      if (ok !== "OK") return undefined;
      return async () => {
        await redis.eval(RELEASE, 1, key, token);
      };
    },
  };
}
