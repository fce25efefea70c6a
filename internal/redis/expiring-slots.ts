import type { Redis } from "ioredis";

// A bounded set of slots shared by every process on one Redis: a sorted set per key whose
// members are the slots held, each scored by the time (Redis's clock, so processes' clocks do
// not matter) it ends. A holder that dies without freeing its slot cannot starve the others:
// ended slots are dropped before counting. Used for WebSocket streams per holder and for a
// probe token's TakeChecks.

// Check and add in one script, so two processes taking a slot of one key at once cannot both
// see a free one. Ended slots go first.
const TAKE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + hold, ARGV[1])
if redis.call('PTTL', KEYS[1]) < hold then redis.call('PEXPIRE', KEYS[1], hold) end
return 1
`;

/**
 * takeExpiringSlot adds slot `id` to `key` for holdMs unless `limit` unended slots are held
 * there already; resolves whether it was taken. The key itself expires with its last slot.
 */
export async function takeExpiringSlot(
  redis: Pick<Redis, "eval">,
  key: string,
  id: string,
  limit: number,
  holdMs: number,
): Promise<boolean> {
  return (await redis.eval(TAKE_SLOT, 1, key, id, limit, Math.ceil(holdMs))) === 1;
}
