import type { Redis } from "ioredis";
import {
  encodeCheckJob,
  LOCAL_REGION,
  type MonitorSchedule,
  scheduleOffsetMs,
} from "./check-queue.js";

/**
 * CheckSchedule is the schedule of one region's checks: of every enabled monitor the region
 * checks (regionsOf), kept in Redis in two keys:
 * a sorted set of each monitor's next slot (ms since the epoch) and a hash of what its check
 * needs (`<interval ms> <CheckJob JSON>`; the interval first, so the claim script reads it
 * without decoding JSON). The API writes a monitor's entry when it is created, changed, paused
 * or deleted; reconciliation rebuilds it from Postgres; each slot of the grid, a worker claims
 * what is due in one call. Postgres stays the record: all of it may be lost and rebuilt.
 */
export interface CheckSchedule {
  /** upsert writes each monitor's check and moves its next slot to the first one after now. */
  upsert(schedules: readonly MonitorSchedule[]): Promise<void>;
  /**
   * sync makes each monitor's entry match, leaving alone those that already do (their next slot
   * too, so that a slot about to be claimed is not skipped). Returns how many it added and
   * how many it rewrote.
   */
  sync(schedules: readonly MonitorSchedule[]): Promise<{ added: number; updated: number }>;
  /** remove drops the monitors' entries; a check already claimed still runs. */
  remove(monitorIds: readonly string[]): Promise<void>;
  /**
   * claim takes up to `max` checks due by Redis's clock and moves each monitor to its next
   * slot in the same call, so two workers claiming at once never take one check twice. A
   * monitor more than an interval behind (the workers were down) is claimed once, at its
   * latest slot.
   */
  claim(max: number): Promise<ClaimedCheck[]>;
  /** monitorIds lists every monitor with an entry (in either key). */
  monitorIds(): Promise<string[]>;
  /** count is how many monitors have a check kept (compared with Postgres' count). */
  count(): Promise<number>;
  /** get reads one monitor's entry: for tests and inspection. */
  get(monitorId: string): Promise<ScheduleEntry | undefined>;
}

/** ClaimedCheck is one due check: its slot and the CheckJob JSON kept for its monitor. */
export interface ClaimedCheck {
  monitorId: string;
  slotMs: number;
  job: string;
}

/** ScheduleEntry is what the schedule keeps for one monitor. */
export interface ScheduleEntry {
  intervalMs: number;
  /** The monitor's next slot; undefined when only its check is kept (claim drops such). */
  nextSlotMs: number | undefined;
  job: string;
}

// KEYS: due, checks. ARGV: max. Redis's clock, so that workers whose clocks differ agree on
// what is due.
const CLAIM = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[1]))
local out = {}
for i = 1, #due, 2 do
  local id = due[i]
  local slot = tonumber(due[i + 1])
  local kept = redis.call('HGET', KEYS[2], id)
  local space = kept and string.find(kept, ' ', 1, true)
  local interval = space and tonumber(string.sub(kept, 1, space - 1))
  if interval and interval > 0 then
    slot = slot + interval * math.floor((now - slot) / interval)
    redis.call('ZADD', KEYS[1], slot + interval, id)
    out[#out + 1] = id
    out[#out + 1] = slot
    out[#out + 1] = string.sub(kept, space + 1)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out`;

// KEYS: due, checks. ARGV: triples of monitor id, kept value, next slot. An entry already as
// wanted keeps its slot; one whose check changed, or that has no slot, gets the next one.
// Returns {added, updated}.
const SYNC = `
local added, updated = 0, 0
for i = 1, #ARGV, 3 do
  local id, kept, slot = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local old = redis.call('HGET', KEYS[2], id)
  if old ~= kept then
    redis.call('HSET', KEYS[2], id, kept)
    redis.call('ZADD', KEYS[1], slot, id)
    if old then updated = updated + 1 else added = added + 1 end
  elseif not redis.call('ZSCORE', KEYS[1], id) then
    redis.call('ZADD', KEYS[1], slot, id)
    updated = updated + 1
  end
end
return {added, updated}`;

type Scripted = {
  pulsarClaimChecks(due: string, checks: string, max: number): Promise<(string | number)[]>;
  pulsarSyncChecks(due: string, checks: string, ...args: (string | number)[]): Promise<number[]>;
};

/** Entries per script call or transaction: bounds how long one call holds Redis. */
const PAGE = 500;

/** keptValue is what the hash keeps for a monitor: its interval in ms, a space, its CheckJob. */
function keptValue(schedule: MonitorSchedule): string {
  return `${schedule.intervalSeconds * 1000} ${JSON.stringify(encodeCheckJob(schedule))}`;
}

/** nextSlotMs is the monitor's first slot after `nowMs`: its offset past a whole interval. */
export function nextSlotMs(schedule: MonitorSchedule, nowMs: number): number {
  const every = schedule.intervalSeconds * 1000;
  const offset = scheduleOffsetMs(schedule.monitorId, every);
  return Math.floor((nowMs - offset) / every + 1) * every + offset;
}

/**
 * scheduleKeyOf names a key of a region's schedule. LOCAL_REGION's keep the names they had
 * before regions (see LOCAL_REGION); another region's have one segment more, so no region's
 * keys are another's.
 */
function scheduleKeyOf(prefix: string, region: string, key: "due" | "checks"): string {
  return region === LOCAL_REGION
    ? `${prefix}:check-schedule:${key}`
    : `${prefix}:check-schedule:${region}:${key}`;
}

/**
 * createCheckSchedule keeps a region's schedule under `prefix` on a plain (command)
 * connection; its scripts are defined once on it, so each call is an EVALSHA of their hash.
 */
export function createCheckSchedule(
  redis: Redis,
  prefix: string,
  region: string = LOCAL_REGION,
  now: () => number = Date.now,
): CheckSchedule {
  const dueKey = scheduleKeyOf(prefix, region, "due");
  const checksKey = scheduleKeyOf(prefix, region, "checks");
  redis.defineCommand("pulsarClaimChecks", { numberOfKeys: 2, lua: CLAIM });
  redis.defineCommand("pulsarSyncChecks", { numberOfKeys: 2, lua: SYNC });
  // defineCommand adds the methods at run time, where ioredis's types cannot see them.
  const scripted = redis as unknown as Scripted;

  return {
    async upsert(schedules) {
      for (let i = 0; i < schedules.length; i += PAGE) {
        const multi = redis.multi();
        for (const schedule of schedules.slice(i, i + PAGE)) {
          multi.hset(checksKey, schedule.monitorId, keptValue(schedule));
          multi.zadd(dueKey, nextSlotMs(schedule, now()), schedule.monitorId);
        }
        await multi.exec();
      }
    },
    async sync(schedules) {
      const outcome = { added: 0, updated: 0 };
      for (let i = 0; i < schedules.length; i += PAGE) {
        const args = schedules
          .slice(i, i + PAGE)
          .flatMap((s) => [s.monitorId, keptValue(s), nextSlotMs(s, now())]);
        const [added = 0, updated = 0] = await scripted.pulsarSyncChecks(
          dueKey,
          checksKey,
          ...args,
        );
        outcome.added += added;
        outcome.updated += updated;
      }
      return outcome;
    },
    async remove(monitorIds) {
      for (let i = 0; i < monitorIds.length; i += PAGE) {
        const page = monitorIds.slice(i, i + PAGE);
        await redis
          .multi()
          .zrem(dueKey, ...page)
          .hdel(checksKey, ...page)
          .exec();
      }
    },
    async claim(max) {
      const flat = await scripted.pulsarClaimChecks(dueKey, checksKey, max);
      const claimed: ClaimedCheck[] = [];
      for (let i = 0; i + 2 < flat.length; i += 3) {
        claimed.push({
          monitorId: String(flat[i]),
          slotMs: Number(flat[i + 1]),
          job: String(flat[i + 2]),
        });
      }
      return claimed;
    },
    async monitorIds() {
      const ids = new Set<string>(await redis.hkeys(checksKey));
      for (const id of await redis.zrange(dueKey, 0, -1)) ids.add(id);
      return [...ids];
    },
    count() {
      return redis.hlen(checksKey);
    },
    async get(monitorId) {
      const [kept, score] = await Promise.all([
        redis.hget(checksKey, monitorId),
        redis.zscore(dueKey, monitorId),
      ]);
      if (kept === null) return undefined;
      const space = kept.indexOf(" ");
      return {
        intervalMs: Number(kept.slice(0, space)),
        nextSlotMs: score === null ? undefined : Number(score),
        job: kept.slice(space + 1),
      };
    },
  };
}
