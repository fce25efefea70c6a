import type { Redis } from "ioredis";

// A probe's checks take the same monitor locks as a worker's of its region
// (internal/checks/monitor-locks.ts, under monitorLockPrefix): a probe and a worker of one
// region never check one monitor at once. The worker's locks are released by a closure in the
// process that took them; a probe's are released when its results arrive, in whichever API
// process they arrive, so each is taken with its lease's token, which the lease id carries.
// The key and the scripts must stay those of monitor-locks.ts: probe-monitor-locks.test.ts
// holds each kind of lock against the other.

/** lockKey is the key of a monitor's lock under a region's lock prefix (monitor-locks.ts). */
const lockKey = (lockPrefix: string, monitorId: string) =>
  `${lockPrefix}:monitor-lock:${monitorId}`;

// KEYS: the locks. ARGV: the token, then each lock's TTL in ms. 1 for each lock taken, 0 for
// each another check holds.
const ACQUIRE = `
local taken = {}
for i, key in ipairs(KEYS) do
  taken[i] = redis.call('SET', key, ARGV[1], 'PX', ARGV[i + 1], 'NX') and 1 or 0
end
return taken`;

// KEYS: the locks. ARGV[1]: the token. Deletes each lock only while it is still the token's.
const RELEASE = `
local freed = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then freed = freed + redis.call('DEL', key) end
end
return freed`;

interface WithScripts {
  pulsarAcquireProbeLocks(...args: (string | number)[]): Promise<number[]>;
  pulsarReleaseProbeLocks(...args: string[]): Promise<number>;
}

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
  redis.defineCommand("pulsarAcquireProbeLocks", { lua: ACQUIRE });
  redis.defineCommand("pulsarReleaseProbeLocks", { lua: RELEASE });
  // defineCommand adds the methods at run time, where ioredis's types cannot see them.
  const scripted = redis as unknown as WithScripts;
  return {
    async acquire(token, requests) {
      if (requests.length === 0) return [];
      const keys = requests.map((r) => lockKey(lockPrefix, r.monitorId));
      const taken = await scripted.pulsarAcquireProbeLocks(
        keys.length,
        ...keys,
        token,
        ...requests.map((r) => Math.max(1, Math.ceil(r.ttlMs))),
      );
      return keys.map((_, i) => taken[i] === 1);
    },
    async release(token, monitorIds) {
      if (monitorIds.length === 0) return;
      const keys = monitorIds.map((id) => lockKey(lockPrefix, id));
      await scripted.pulsarReleaseProbeLocks(String(keys.length), ...keys, token);
    },
  };
}
