/**
 * What dispatching checks costs Redis and the worker, in two models, without Postgres: today's
 * (one BullMQ job scheduler per monitor, one job per check: internal/checks/queue) and checks
 * dispatched in batches (due times in one sorted set and specs in one hash, claimed by one Lua
 * call per 100 ms slot and handed out as BullMQ jobs of up to `batch` checks). The second is a
 * sketch that measures the next step of issue 21 before it is built: no reconciliation, no
 * per-organization bound, no stalled-batch handling. Both take the monitor lock and run the
 * real check against bench/stack's target (answering after 50 ms); results are dropped.
 *
 *   npx tsx bench/dispatch-models.ts [jobs|batches] [monitors=3900] [batch=50]
 *
 * Monitors at 20 s; 25 s of warm-up, then 40 s measured: this process's CPU (the worker's
 * part), redis-server's CPU (/proc, when it runs here) and Redis commands (INFO commandstats,
 * server-wide: run it on a quiet Redis) per check, and lateness (start minus slot). Redis at
 * 127.0.0.1:6379 or REDIS_URL; keys under a prefix of its own, deleted afterwards.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import type { JsonObject } from "@bufbuild/protobuf";
import { type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import pLimit from "p-limit";
import { runCheck } from "../internal/checks/http/index.js";
import { createMonitorLocks } from "../internal/checks/monitor-locks.js";
import {
  CHECK_JOB_OPTIONS,
  type CheckQueue,
  decodeCheckJob,
  encodeCheckJob,
  type MonitorSchedule,
  SCHEDULE_GRAIN_MS,
  scheduleOffsetMs,
} from "../internal/checks/queue/check-queue.js";
import { upsertSchedule } from "../internal/checks/queue/schedules.js";
import { checkTarget } from "../test/support/targets.js";
import { processCpuMs } from "./checks/proc-stats.js";
import { redisCommandStats, redisLocalPid, redisPerCheck } from "./stack/server-stats.js";

const [model = "jobs", monitorsArg = "3900", batchArg = "50"] = process.argv.slice(2);
if (model !== "jobs" && model !== "batches") throw new Error(`unknown model ${model}`);
const MONITORS = Number(monitorsArg);
const BATCH = Number(batchArg);
const INTERVAL_MS = 20_000;
const WARMUP_MS = 25_000;
const WINDOW_MS = 40_000;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `pulsar-bench-dispatch-${Date.now()}`;
const dueKey = `${prefix}:due`;
const specsKey = `${prefix}:specs`;

// Claims the checks due by ARGV[1] (at most ARGV[2]): each one's next slot is written back in
// the same call, so two workers claiming at once never hand out one check twice.
const CLAIM = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local now = tonumber(ARGV[1])
local out = {}
for i = 1, #due, 2 do
  local id = due[i]
  local slot = tonumber(due[i + 1])
  local spec = redis.call('HGET', KEYS[2], id)
  if spec then
    local interval = tonumber(cjson.decode(spec)['intervalSeconds']) * 1000
    local nextSlot = slot + interval * (math.floor((now - slot) / interval) + 1)
    redis.call('ZADD', KEYS[1], nextSlot, id)
    out[#out + 1] = id
    out[#out + 1] = tostring(slot)
    out[#out + 1] = spec
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out`;

type WithClaim = Redis & {
  pulsarClaimDue(due: string, specs: string, now: number, max: number): Promise<string[]>;
};

const bull = new Redis(redisUrl, { maxRetriesPerRequest: null });
const redis = new Redis(redisUrl) as WithClaim;
redis.defineCommand("pulsarClaimDue", { numberOfKeys: 2, lua: CLAIM });
const target = spawn(process.execPath, ["--import", "tsx", "bench/stack/target.ts", "50"], {
  stdio: ["ignore", "pipe", "inherit"],
});
const [ready] = (await once(target.stdout as NodeJS.ReadableStream, "data")) as [Buffer];
const origin = `http://127.0.0.1:${ready.toString().trim().split(" ")[1]}`;

const schedules: MonitorSchedule[] = Array.from({ length: MONITORS }, (_, i) => ({
  monitorId: randomUUID(),
  orgId: "bench",
  intervalSeconds: INTERVAL_MS / 1000,
  target: checkTarget(`${origin}/m/${i}`, { timeoutMs: 10_000 }),
}));
const locks = createMonitorLocks(redis, prefix);
const checkSlots = pLimit(100);
let checked = 0;
let lateness: number[] = [];

/** One check as the processor runs it: the monitor's lock, then the check in a slot. */
async function check(data: JsonObject, slotMs: number): Promise<void> {
  const job = decodeCheckJob(data);
  if (!job.target) return;
  const release = await locks.acquire(job.monitorId, job.target.timeoutMs + 1000);
  if (!release) return;
  lateness.push(Date.now() - slotMs);
  const target = job.target;
  try {
    await checkSlots(() => runCheck(target, {}));
  } finally {
    await release();
  }
  checked++;
}

const queue: CheckQueue = new Queue<JsonObject, void, string>("checks", {
  connection: bull,
  prefix,
});
let worker: Worker;
let claimTimer: NodeJS.Timeout | undefined;
if (model === "jobs") {
  for (const schedule of schedules) await upsertSchedule(queue, schedule);
  worker = new Worker(
    "checks",
    (job: Job<JsonObject>) => check(job.data, job.timestamp + (job.opts.delay ?? 0)),
    { connection: bull, prefix, concurrency: 200 },
  );
} else {
  const now = Date.now();
  for (let i = 0; i < MONITORS; i += 500) {
    const multi = redis.multi();
    for (const schedule of schedules.slice(i, i + 500)) {
      const offset = scheduleOffsetMs(schedule.monitorId, INTERVAL_MS);
      const nextSlot = Math.floor((now - offset) / INTERVAL_MS + 1) * INTERVAL_MS + offset;
      multi.hset(specsKey, schedule.monitorId, JSON.stringify(encodeCheckJob(schedule)));
      multi.zadd(dueKey, nextSlot, schedule.monitorId);
    }
    await multi.exec();
  }
  // Every slot of the grid: claim what is due and queue it in jobs of up to BATCH checks.
  const claim = async () => {
    const claimed = await redis.pulsarClaimDue(dueKey, specsKey, Date.now(), 5000);
    const batches: { slotMs: number; data: JsonObject }[][] = [];
    for (let i = 0; i < claimed.length; i += 3) {
      if (i % (3 * BATCH) === 0) batches.push([]);
      batches.at(-1)?.push({
        slotMs: Number(claimed[i + 1]),
        data: JSON.parse(claimed[i + 2] ?? "{}") as JsonObject,
      });
    }
    if (batches.length > 0) {
      await queue.addBulk(
        batches.map((checks) => ({ name: "batch", data: { checks }, opts: CHECK_JOB_OPTIONS })),
      );
    }
    claimTimer = setTimeout(claim, SCHEDULE_GRAIN_MS - (Date.now() % SCHEDULE_GRAIN_MS) + 2);
  };
  claimTimer = setTimeout(claim, SCHEDULE_GRAIN_MS - (Date.now() % SCHEDULE_GRAIN_MS) + 2);
  worker = new Worker(
    "checks",
    async (job: Job<JsonObject>) => {
      const checks = job.data.checks as unknown as { slotMs: number; data: JsonObject }[];
      await Promise.all(checks.map((c) => check(c.data, c.slotMs)));
    },
    { connection: bull, prefix, concurrency: 50 },
  );
}

const redisPid = await redisLocalPid(redis);
/** redis-server's CPU in ms, 0 when it is not on this machine. */
const redisCpuMs = () => (redisPid === undefined ? 0 : processCpuMs(redisPid));

await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
const start = {
  checked,
  cpu: process.cpuUsage(),
  redisCpu: redisCpuMs(),
  commands: await redisCommandStats(redis),
};
lateness = [];
await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
const n = Math.max(1, checked - start.checked);
const cpu = process.cpuUsage(start.cpu);
const calls = redisPerCheck(start.commands, await redisCommandStats(redis), n).commandsPerCheck;
lateness.sort((a, b) => a - b);
const pct = (p: number) => lateness[Math.min(lateness.length - 1, Math.floor(lateness.length * p))];
console.log(
  `${model}${model === "batches" ? ` of up to ${BATCH}` : ""}, ${MONITORS} monitors at 20 s: ` +
    `${(n / (WINDOW_MS / 1000)).toFixed(0)} checks/s, worker ${((cpu.user + cpu.system) / 1000 / n).toFixed(3)} ms/check, ` +
    `redis ${((redisCpuMs() - start.redisCpu) / n).toFixed(3)} ms/check, ${calls.toFixed(1)} commands/check, ` +
    `lateness p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`,
);

clearTimeout(claimTimer);
await worker.close();
await queue.obliterate({ force: true });
await queue.close();
await redis.del(dueKey, specsKey);
bull.disconnect();
redis.disconnect();
target.kill();
