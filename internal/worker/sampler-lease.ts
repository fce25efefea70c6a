import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * SamplerLease lets one sampler per host publish. Several workers on one machine (docker
 * compose --scale worker=4) share its host id; without a lease each would publish and store
 * the same host's samples, interleaved.
 */
export interface SamplerLease {
  /** hold takes or renews the lease on hostId; false while another sampler holds it. */
  hold(hostId: string): Promise<boolean>;
  /** release gives the lease up at once (shutdown), if this sampler holds it. */
  release(hostId: string): Promise<void>;
}

// Renew if ours, else take it if free: one round trip, atomic.
const HOLD = `
local holder = redis.call("get", KEYS[1])
if holder == ARGV[1] then
  redis.call("pexpire", KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call("set", KEYS[1], ARGV[1], "PX", ARGV[2])
  return 1
end
return 0`;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end return 0`;

/**
 * createSamplerLease keeps leases under `prefix` that lapse after ttlMs without renewal (use a
 * few sample intervals), so another worker takes over when the holder dies.
 */
export function createSamplerLease(
  redis: Pick<Redis, "eval">,
  prefix: string,
  ttlMs: number,
): SamplerLease {
  const token = randomUUID();
  const key = (hostId: string) => `${prefix}:sampler-lease:${hostId}`;
  return {
    async hold(hostId) {
      return (await redis.eval(HOLD, 1, key(hostId), token, ttlMs)) === 1;
    },
    async release(hostId) {
      await redis.eval(RELEASE, 1, key(hostId), token);
    },
  };
}
