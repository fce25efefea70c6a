import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { create } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckJobSchema } from "../../gen/pulsar/v1/check_pb.js";
import { eventually } from "../../test/support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { deleteKeys } from "../../test/support/redis-keys.js";
import { addCheckBatch, type CheckQueue, createCheckQueue } from "../checks/queue/check-queue.js";
import { silentLogger } from "../core/logger.js";
import type { RunningService } from "../launcher/embedded-postgres.js";
import { startPrivateRedis } from "../launcher/private-redis.js";
import { createRedis } from "../redis/redis.js";
import { type ProbeRegion, startProbeRegion } from "./probe-region.js";

// How a region's TakeChecks wait for checks to fall due: on BullMQ's blocking fetch, one per
// region, not a poll per request. BullMQ's connections use a Redis of this file's own, so that
// its command counts are the region's alone; the schedule and the monitor locks use the shared
// test Redis.

let dataDir: string;
let privateRedis: RunningService;
let db: TestDatabase;
/** BullMQ's connection, as the API's queue connection (the caller's, kept open by the region). */
let bull: Redis;
/** Reads the private Redis's statistics. */
let stats: Redis;
let redis: Redis;
const prefix = uniquePrefix("probe-region");
const queues: CheckQueue[] = [];
const regions: ProbeRegion[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "probe-region-test-"));
  privateRedis = await startPrivateRedis(dataDir, silentLogger);
  db = await createTestDatabase();
  bull = createRedis(privateRedis.url, "bullmq", "probe-region-test-bull");
  stats = createRedis(privateRedis.url, "command", "probe-region-test-stats");
  redis = createRedis(TEST_REDIS_URL, "command", "probe-region-test");
});

afterAll(async () => {
  for (const region of regions) await region.close();
  for (const queue of queues) await queue.close();
  await deleteKeys(redis, `${prefix}:*`);
  redis.disconnect();
  stats.disconnect();
  bull.disconnect();
  await db?.drop();
  await privateRedis?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** regionNamed serves a region: long leases and reconcile passes, so neither runs meanwhile. */
async function regionNamed(name: string): Promise<{ region: ProbeRegion; queue: CheckQueue }> {
  const region = await startProbeRegion({
    pool: db.pool,
    redis,
    bullConnection: bull,
    prefix,
    region: name,
    defaultRegion: "local",
    leaseMs: 30_000,
    reconcileEveryMs: 60_000,
    log: silentLogger,
  });
  regions.push(region);
  const queue = createCheckQueue(bull, prefix, name);
  queues.push(queue);
  return { region, queue };
}

/** queueCheck queues one check job of a new monitor, started `delayMs` from now. */
async function queueCheck(queue: CheckQueue, delayMs = 0): Promise<{ dueAtMs: number }> {
  const check = create(CheckJobSchema, {
    monitorId: randomUUID(),
    intervalSeconds: 60,
    scheduledAtMs: Date.now() + delayMs,
    target: { url: "https://example.com/", method: "GET", timeoutMs: 500 },
  });
  const job = await addCheckBatch(queue, [check], delayMs);
  return { dueAtMs: job.timestamp + delayMs };
}

/** commandCounts are the private Redis's commands run so far, by name (INFO commandstats). */
async function commandCounts(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const line of (await stats.info("commandstats")).split("\n")) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match?.[1] && match[2]) counts.set(match[1], Number(match[2]));
  }
  return counts;
}

/** commandsSince are the commands run since `before`, by name, but this test's own. */
async function commandsSince(before: Map<string, number>): Promise<Record<string, number>> {
  const delta: Record<string, number> = {};
  for (const [name, calls] of await commandCounts()) {
    if (name === "info" || name.startsWith("client")) continue;
    const more = calls - (before.get(name) ?? 0);
    if (more > 0) delta[name] = more;
  }
  return delta;
}

const total = (counts: Record<string, number>) =>
  Object.values(counts).reduce((sum, n) => sum + n, 0);

/** connections counts the private Redis's client connections. */
async function connections(): Promise<number> {
  const list = (await stats.client("LIST")) as string;
  return list.split("\n").filter((line) => line.startsWith("id=")).length;
}

describe("a TakeChecks waiting for checks", () => {
  it("gets a delayed job within Redis's clock tick of its due time, and a job queued meanwhile at once", async () => {
    const { region, queue } = await regionNamed("wa");
    expect(await region.take(10, { waitMs: 0 })).toEqual([]);

    const waiting = region.take(10, { waitMs: 5000 });
    await sleep(200);
    const { dueAtMs } = await queueCheck(queue, 700);
    expect(await waiting).toHaveLength(1);
    const delayedLateMs = Date.now() - dueAtMs;

    const next = region.take(10, { waitMs: 5000 });
    await sleep(300);
    const queuedAtMs = Date.now();
    await queueCheck(queue);
    expect(await next).toHaveLength(1);
    const queuedLateMs = Date.now() - queuedAtMs;

    expect(delayedLateMs).toBeGreaterThanOrEqual(0);
    // Redis ends a blocking command's timeout on its clock tick (hz 10: every 100 ms), and the
    // blocked fetch wakes for a delayed job at its timeout; a queued job's marker wakes it at once.
    expect(delayedLateMs).toBeLessThan(200);
    expect(queuedLateMs).toBeLessThan(100);
  });

  it("costs a few Redis commands and no connection, however many wait, while nothing falls due", async () => {
    const { region } = await regionNamed("wb");
    const open = await connections();
    const started = Date.now();
    const takes = Array.from({ length: 20 }, () => region.take(10, { waitMs: 7000 }));
    // Past each take's first look (one fetch each), over more than one of BullMQ's blocks (5 s).
    await sleep(300);
    const before = await commandCounts();
    await sleep(6000);
    const issued = await commandsSince(before);
    expect(await connections()).toBe(open);
    expect(await Promise.all(takes)).toEqual(Array.from({ length: 20 }, () => []));
    const waitedMs = Date.now() - started;
    // Counted as Redis runs them, the commands of a script included: a fetch (EVALSHA of
    // moveToActive) runs 8. A poll every 100 ms would be some 1200 fetches.
    expect(total(issued), JSON.stringify(issued)).toBeLessThanOrEqual(20);
    expect(waitedMs).toBeGreaterThanOrEqual(6900);
    expect(waitedMs).toBeLessThan(7500);
  }, 15_000);

  it("stops waiting when its request is aborted; a job queued after goes to the next take", async () => {
    const { region, queue } = await regionNamed("wc");
    const aborted = new AbortController();
    const waiting = region.take(10, { waitMs: 10_000, signal: aborted.signal });
    await sleep(200);
    const abortedAtMs = Date.now();
    aborted.abort();
    expect(await waiting).toEqual([]);
    expect(Date.now() - abortedAtMs).toBeLessThan(50);
    // The region's fetch, still blocked, takes the job for nobody: it goes back, first in line.
    await queueCheck(queue);
    await eventually(
      async () => {
        expect(await queue.getActiveCount()).toBe(0);
        expect(await queue.getWaitingCount()).toBe(1);
        return true;
      },
      { what: "the job taken for nobody to be back in the wait list", timeoutMs: 8000 },
    );
    expect(await region.take(10, { waitMs: 0 })).toHaveLength(1);
  });

  it("ends at once on drain and close, which closes the connection the region opened", async () => {
    const before = await connections();
    const { region } = await regionNamed("wd");
    const opened = (await connections()) - before;
    // BullMQ's blocking connection: the worker's and the queue's commands share the caller's.
    expect(opened).toBe(1);
    const waiting = region.take(10, { waitMs: 15_000 });
    await sleep(300);
    const drainedAtMs = Date.now();
    region.drain();
    expect(await waiting).toEqual([]);
    expect(Date.now() - drainedAtMs).toBeLessThan(50);
    const closingAtMs = Date.now();
    await region.close();
    expect(Date.now() - closingAtMs).toBeLessThan(1000);
    await eventually(async () => (await connections()) === before || undefined, {
      what: "the region's connections to be closed",
    });
  });
});
