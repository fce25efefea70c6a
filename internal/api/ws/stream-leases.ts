import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Caller } from "../../auth/caller.js";
import type { Logger } from "../../core/logger.js";
import { takeExpiringSlot } from "../../redis/expiring-slots.js";

/**
 * StreamHolder is whom open stream connections are counted against: a signed-in member (all
 * their sessions together), or an API token.
 */
export interface StreamHolder {
  /** The counter's name, e.g. `user:<id>` or `token:<id>`. */
  key: string;
  /** How a refusal names the holder: "this member" or "this API token". */
  label: string;
}

/** holderOf is whom a caller's connections count against. */
export function holderOf(caller: Caller): StreamHolder {
  if (caller.user) return { key: `user:${caller.user.id}`, label: "this member" };
  if (caller.tokenId) return { key: `token:${caller.tokenId}`, label: "this API token" };
  // Every caller authenticate() returns is one or the other; an organization-wide counter is
  // the safe reading of anything else.
  return { key: `org:${caller.orgId}`, label: "this organization" };
}

/** StreamLease is one open connection's place in its holder's count. */
export interface StreamLease {
  key: string;
  id: string;
}

/** StreamLeasesDeps are the command connection and the limits of createStreamLeases. */
export interface StreamLeasesDeps {
  redis: Pick<Redis, "eval" | "zrem" | "pipeline">;
  /** Key prefix (QUEUE_PREFIX), shared by every API process of the installation. */
  prefix: string;
  /** PULSAR_USER_MAX_STREAMS: open connections per holder, over every API process. */
  limit: number;
  /** How long a lease lasts unless refreshed: a killed process's places free themselves. */
  leaseMs: number;
  /** How long acquire waits for Redis before giving up. 2 s. */
  timeoutMs?: number;
  log: Logger;
}

/**
 * StreamLeases counts open stream connections per holder across every API process: a Redis
 * sorted set per holder of connection ids scored by the time (Redis' clock) their lease ends.
 */
export interface StreamLeases {
  /**
   * acquire takes a place for a new connection of holder, or resolves undefined when the
   * holder already has `limit` live leases. Rejects when Redis cannot answer in time.
   */
  acquire(holder: StreamHolder): Promise<StreamLease | undefined>;
  /** release gives a closed connection's place back (once; later calls do nothing). */
  release(lease: StreamLease): void;
  /** refresh extends every lease this process holds; the heartbeat calls it. */
  refresh(): Promise<void>;
  /** held is the number of leases this process holds. */
  held(): number;
}

// Extends the given leases of one holder. A lease that expired meanwhile (this process was
// stalled) is added back: its connection is open, so it counts.
const REFRESH = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + lease, ARGV[i]) end
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
return 0
`;

/** createStreamLeases builds the per-holder connection counter; the caller owns redis. */
export function createStreamLeases(deps: StreamLeasesDeps): StreamLeases {
  const { redis, limit, leaseMs, log } = deps;
  const timeoutMs = deps.timeoutMs ?? 2000;
  const held = new Map<string, StreamLease>();

  return {
    async acquire(holder) {
      const lease = { key: `${deps.prefix}:stream-leases:${holder.key}`, id: randomUUID() };
      // Check and add in one script; expired leases (a process that died) go first.
      const attempt = takeExpiringSlot(redis, lease.key, lease.id, limit, leaseMs);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        if (!(await Promise.race([attempt, timeout]))) return undefined;
      } catch (error) {
        // Refused as if Redis had failed; a place Redis grants after all must not stay taken
        // (if Redis cannot take it back either, it ends by itself within leaseMs).
        attempt.then((granted) => (granted ? redis.zrem(lease.key, lease.id) : 0)).catch(() => {});
        throw error;
      } finally {
        clearTimeout(timer);
      }
      held.set(lease.id, lease);
      return lease;
    },
    release(lease) {
      if (!held.delete(lease.id)) return;
      // If Redis is away, the lease ends by itself within leaseMs.
      redis.zrem(lease.key, lease.id).catch((error: unknown) => {
        log.debug("releasing a stream lease failed", { error });
      });
    },
    async refresh() {
      if (held.size === 0) return;
      const byKey = new Map<string, string[]>();
      for (const { key, id } of held.values()) {
        const ids = byKey.get(key);
        if (ids) ids.push(id);
        else byKey.set(key, [id]);
      }
      const pipeline = redis.pipeline();
      for (const [key, ids] of byKey) pipeline.eval(REFRESH, 1, key, leaseMs, ...ids);
      for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
    },
    held: () => held.size,
  };
}
