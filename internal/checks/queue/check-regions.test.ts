import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { deleteKeys } from "../../../test/support/redis-keys.js";
import { checkTarget } from "../../../test/support/targets.js";
import { silentLogger } from "../../core/logger.js";
import { createRedis } from "../../redis/redis.js";
import { startCheckDispatcher } from "./check-dispatcher.js";
import {
  CHECK_QUEUE,
  type CheckQueue,
  decodeCheckBatch,
  LOCAL_REGION,
  type MonitorSchedule,
} from "./check-queue.js";
import { type CheckRegions, createCheckRegions, rememberRegions } from "./check-regions.js";
import { createCheckSchedule } from "./check-schedule.js";
import { createRegionalScheduler } from "./schedules.js";

const redis = createRedis(TEST_REDIS_URL, "command", "check-regions-test");
const bull = createRedis(TEST_REDIS_URL, "bullmq", "check-regions-test-queue");
const opened: CheckRegions[] = [];
const queues: CheckQueue[] = [];

afterAll(async () => {
  for (const queue of queues) await queue.obliterate({ force: true });
  for (const regions of opened) await regions.close();
  await deleteKeys(redis, "test-check-regions-*");
  redis.disconnect();
  bull.disconnect();
});

const monitor = (regions: string[] = []): MonitorSchedule => ({
  monitorId: randomUUID(),
  orgId: "org",
  intervalSeconds: 20,
  regions,
  target: checkTarget("http://127.0.0.1:1/"),
});

/** fresh is every region's schedule and queue under a prefix of its own. */
function fresh() {
  const prefix = uniquePrefix("check-regions");
  const regions = createCheckRegions({ redis, queueConnection: bull, prefix });
  opened.push(regions);
  const queue = (region: string) => {
    const q = regions.queue(region);
    if (!queues.includes(q)) queues.push(q);
    return q;
  };
  /** Which regions' schedules hold the monitor. */
  const scheduledIn = async (monitorId: string, among: string[]) => {
    const found = [];
    for (const region of among) {
      if (await regions.schedule(region).get(monitorId)) found.push(region);
    }
    return found;
  };
  /** The monitors of the immediate checks waiting on the region's queue. */
  const waiting = async (region: string) =>
    (await queue(region).getJobs(["wait", "delayed"])).flatMap((job) =>
      decodeCheckBatch(job.data, job).map((check) => check.monitorId),
    );
  return { prefix, regions, queue, scheduledIn, waiting };
}

describe("each region's schedule and queue", () => {
  it("keeps LOCAL_REGION's keys and queue as they were before regions, and others apart", async () => {
    const { prefix, regions } = fresh();
    const m = monitor();
    await regions.schedule(LOCAL_REGION).upsert([m]);
    expect(await redis.zscore(`${prefix}:check-schedule:due`, m.monitorId)).not.toBeNull();
    expect(await redis.hexists(`${prefix}:check-schedule:checks`, m.monitorId)).toBe(1);
    expect(regions.queue(LOCAL_REGION).name).toBe(CHECK_QUEUE);
    expect(regions.queue("eu-west").name).toBe(`${CHECK_QUEUE}-eu-west`);
    expect(await regions.schedule("eu-west").get(m.monitorId)).toBeUndefined();
    expect(await createCheckSchedule(redis, prefix).get(m.monitorId)).toBeDefined();
  });

  it("lets a dispatcher of region b claim none of region a's checks", async () => {
    const { prefix, regions, queue } = fresh();
    const [inA, inB] = [monitor(["a"]), monitor(["b"])];
    await regions.schedule("a").upsert([inA]);
    await regions.schedule("b").upsert([inB]);
    const due = Date.now() - 20;
    await redis.zadd(`${prefix}:check-schedule:a:due`, due, inA.monitorId);
    await redis.zadd(`${prefix}:check-schedule:b:due`, due, inB.monitorId);
    const stop = startCheckDispatcher({
      schedule: regions.schedule("b"),
      queue: queue("b"),
      log: silentLogger,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stop();
    const jobs = await queue("b").getJobs(["wait"]);
    expect(jobs.flatMap((job) => decodeCheckBatch(job.data, job).map((c) => c.monitorId))).toEqual([
      inB.monitorId,
    ]);
    expect(await queue("a").count()).toBe(0);
    // Still due in a: a worker of a claims it.
    const claimed = await regions.schedule("a").claim(10);
    expect(claimed.map((c) => [c.monitorId, c.slotMs])).toEqual([[inA.monitorId, due]]);
  });
});

describe("the regional scheduler", () => {
  it("schedules a monitor in each of its regions, moves it out of one it leaves, and unschedules it from all", async () => {
    const { regions, scheduledIn, waiting } = fresh();
    const scheduler = createRegionalScheduler({ regions, defaultRegion: "a" });
    const m = monitor(["a", "b"]);
    await scheduler.schedule(m);
    expect(await scheduledIn(m.monitorId, ["a", "b", "c"])).toEqual(["a", "b"]);
    // One immediate check in each of its regions.
    expect(await waiting("a")).toEqual([m.monitorId]);
    expect(await waiting("b")).toEqual([m.monitorId]);
    expect((await regions.known()).sort()).toEqual(["a", "b"]);

    await scheduler.schedule({ ...m, regions: ["b"] });
    expect(await scheduledIn(m.monitorId, ["a", "b"])).toEqual(["b"]);
    expect(await waiting("a")).toEqual([m.monitorId]);
    // Its immediate check still waits there (no worker here takes it): the change adds none,
    // so edits cannot pile up jobs in a region nobody serves.
    expect(await waiting("b")).toEqual([m.monitorId]);

    await scheduler.unschedule(m.monitorId);
    expect(await scheduledIn(m.monitorId, ["a", "b"])).toEqual([]);
  });

  it("puts a monitor listing no region in the default one", async () => {
    const { regions, scheduledIn, waiting } = fresh();
    const scheduler = createRegionalScheduler({ regions, defaultRegion: "b" });
    const m = monitor();
    await scheduler.schedule(m);
    expect(await scheduledIn(m.monitorId, ["a", "b", LOCAL_REGION])).toEqual(["b"]);
    expect(await waiting("b")).toEqual([m.monitorId]);
  });

  it("removes a monitor from a region known only from its workers", async () => {
    const { prefix, regions, scheduledIn } = fresh();
    const scheduler = createRegionalScheduler({ regions, defaultRegion: "a" });
    const m = monitor(["a"]);
    // Region c's workers reconciled it in (its regions were [c] when they read Postgres).
    await rememberRegions(redis, prefix, ["c"]);
    await regions.schedule("c").upsert([m]);
    await scheduler.schedule(m);
    expect(await scheduledIn(m.monitorId, ["a", "c"])).toEqual(["a"]);

    await regions.schedule("c").upsert([m]);
    await scheduler.unschedule(m.monitorId);
    expect(await scheduledIn(m.monitorId, ["a", "c"])).toEqual([]);
  });
});
