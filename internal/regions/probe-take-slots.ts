import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

// At most `limit` TakeChecks of one probe token run at once over every API process: a Redis
// sorted set per token of the running requests' ids, each scored by the time (Redis' clock) its
// slot ends. A request frees its slot when it answers; a process killed meanwhile cannot, and
// its slots end by themselves when their time is up, a TakeChecks' longest wait and a margin.

/** TakeSlot is one running TakeChecks' place in its token's count. */
export interface TakeSlot {
  key: string;
  id: string;
}

/** ProbeTakeSlotsDeps are the command connection and the limit. */
export interface ProbeTakeSlotsDeps {
  redis: Pick<Redis, "eval" | "zrem">;
  /** Key prefix (QUEUE_PREFIX), shared by every API process of the installation. */
  prefix: string;
  /** TakeChecks of one token running at once, over every API process. */
  limit: number;
}

/** ProbeTakeSlots count the TakeChecks running per probe token, across API processes. */
export interface ProbeTakeSlots {
  readonly limit: number;
  /**
   * acquire takes a slot of the token for at most holdMs, or resolves undefined when the token's
   * `limit` slots are all held.
   */
  acquire(tokenId: string, holdMs: number): Promise<TakeSlot | undefined>;
  /** release frees a slot (a slot already ended or freed is no matter). */
  release(slot: TakeSlot): Promise<void>;
}

// Check and add in one script, so that two processes admitting the same token at once cannot
// both see a free slot. Ended slots (a process that died without freeing them) go first.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + hold, ARGV[1])
if redis.call('PTTL', KEYS[1]) < hold then redis.call('PEXPIRE', KEYS[1], hold) end
return 1
`;

/** takeSlotsKey is the sorted set of a probe token's running TakeChecks. */
export function takeSlotsKey(prefix: string, tokenId: string): string {
  return `${prefix}:probe-takes:${tokenId}`;
}

/** createProbeTakeSlots counts on `redis`, which the caller owns. */
export function createProbeTakeSlots(deps: ProbeTakeSlotsDeps): ProbeTakeSlots {
  const { redis, limit } = deps;
  return {
    limit,
    async acquire(tokenId, holdMs) {
      const slot = { key: takeSlotsKey(deps.prefix, tokenId), id: randomUUID() };
      const granted = await redis.eval(ACQUIRE, 1, slot.key, slot.id, limit, Math.ceil(holdMs));
      return granted === 1 ? slot : undefined;
    },
    async release(slot) {
      await redis.zrem(slot.key, slot.id);
    },
  };
}
