import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { takeExpiringSlot } from "../redis/expiring-slots.js";

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
      return (await takeExpiringSlot(redis, slot.key, slot.id, limit, holdMs)) ? slot : undefined;
    },
    async release(slot) {
      await redis.zrem(slot.key, slot.id);
    },
  };
}
