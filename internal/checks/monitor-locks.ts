import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/** MonitorLocks keep two checks of one monitor from running at once, across all workers. */
export interface MonitorLocks {
  /** acquire returns a release function, or undefined when another check holds the monitor. */
  acquire(monitorId: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
}

// Deletes the lock only if it is still ours: after a TTL expiry another worker may hold it.
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/** The Redis command (defineCommand) that runs RELEASE. */
const RELEASE_COMMAND = "pulsarReleaseMonitorLock";

/** WithRelease is the connection once RELEASE_COMMAND is defined on it. */
type WithRelease = Record<typeof RELEASE_COMMAND, (key: string, token: string) => Promise<number>>;

/**
 * createMonitorLocks keeps the locks in Redis under `prefix`, with a TTL so a killed worker's
 * lock frees itself. The release script is defined once on the connection, so each release is
 * an EVALSHA of its hash (ioredis loads it again if Redis restarted empty), not the script's
 * text sent and hashed by Redis on every check.
 */
export function createMonitorLocks(redis: Redis, prefix: string): MonitorLocks {
  redis.defineCommand(RELEASE_COMMAND, { numberOfKeys: 1, lua: RELEASE });
  // defineCommand adds the method at run time, where ioredis's types cannot see it.
  const scripted = redis as unknown as WithRelease;
  return {
    async acquire(monitorId, ttlMs) {
      const key = `${prefix}:monitor-lock:${monitorId}`;
      const token = randomUUID();
      const ok = await redis.set(key, token, "PX", ttlMs, "NX");
      if (ok !== "OK") return undefined;
      return async () => {
        await scripted[RELEASE_COMMAND](key, token);
      };
    },
  };
}
