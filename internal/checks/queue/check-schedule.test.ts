import { randomUUID } from "node:crypto";
import { fromJson } from "@bufbuild/protobuf";
import { afterAll, describe, expect, it } from "vitest";
import { CheckJobSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { deleteKeys } from "../../../test/support/redis-keys.js";
import { checkTarget } from "../../../test/support/targets.js";
import { silentLogger } from "../../core/logger.js";
import { createRedis } from "../../redis/redis.js";
import { batchesOf, startCheckDispatcher } from "./check-dispatcher.js";
import {
  CHECK_JOB_NAME,
  createCheckQueue,
  decodeCheckBatch,
  type MonitorSchedule,
} from "./check-queue.js";
import { createCheckSchedule, nextSlotMs } from "./check-schedule.js";

const redis = createRedis(TEST_REDIS_URL, "command", "check-schedule-test");

afterAll(async () => {
  await deleteKeys(redis, "test-check-schedule-*");
  redis.disconnect();
});

const monitor = (intervalSeconds = 20): MonitorSchedule => ({
  monitorId: randomUUID(),
  orgId: "org",
  intervalSeconds,
  regions: [],
  target: checkTarget("http://127.0.0.1:1/"),
});

/** fresh is a schedule under a prefix of its own, and a way to set a monitor's next slot. */
function fresh() {
  const prefix = uniquePrefix("check-schedule");
  const schedule = createCheckSchedule(redis, prefix);
  const setSlot = (id: string, slotMs: number) =>
    redis.zadd(`${prefix}:check-schedule:due`, slotMs, id);
  return { prefix, schedule, setSlot };
}

describe("the check schedule", () => {
  it("puts a monitor on its grid slot after now, and reads it back", async () => {
    const { schedule } = fresh();
    const m = monitor(60);
    const before = Date.now();
    await schedule.upsert([m]);
    const entry = await schedule.get(m.monitorId);
    expect(entry?.intervalMs).toBe(60_000);
    expect(entry?.nextSlotMs).toBe(nextSlotMs(m, before));
    expect(entry?.nextSlotMs).toBeGreaterThan(before);
    expect(entry?.nextSlotMs).toBeLessThanOrEqual(before + 60_000);
    expect(fromJson(CheckJobSchema, JSON.parse(entry?.job ?? "")).monitorId).toBe(m.monitorId);
    expect(await schedule.count()).toBe(1);
  });

  it("claims what is due once, moving each to its next slot; nothing before its slot", async () => {
    const { schedule, setSlot } = fresh();
    const [due, notYet] = [monitor(), monitor()];
    await schedule.upsert([due, notYet]);
    const slot = Date.now() - 50;
    await setSlot(due.monitorId, slot);
    const claimed = await schedule.claim(100);
    expect(claimed.map((c) => [c.monitorId, c.slotMs])).toEqual([[due.monitorId, slot]]);
    expect((await schedule.get(due.monitorId))?.nextSlotMs).toBe(slot + 20_000);
    expect(await schedule.claim(100)).toEqual([]);
  });

  it("claims a monitor that fell behind once, at its latest slot", async () => {
    const { schedule, setSlot } = fresh();
    const m = monitor();
    await schedule.upsert([m]);
    const now = Date.now();
    // Five intervals and a bit behind (the workers were down).
    const slot = now - 5 * 20_000 - 500;
    await setSlot(m.monitorId, slot);
    const [claimed, ...more] = await schedule.claim(100);
    expect(more).toEqual([]);
    expect(claimed?.slotMs).toBe(slot + 5 * 20_000);
    expect((await schedule.get(m.monitorId))?.nextSlotMs).toBe(slot + 6 * 20_000);
  });

  it("never hands one check to two workers claiming at once", async () => {
    const { schedule, setSlot } = fresh();
    const monitors = Array.from({ length: 300 }, () => monitor());
    await schedule.upsert(monitors);
    for (const m of monitors) await setSlot(m.monitorId, Date.now() - 10);
    const claims = await Promise.all(Array.from({ length: 6 }, () => schedule.claim(80)));
    const ids = claims.flat().map((c) => c.monitorId);
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
  });

  it("forgets a removed monitor, and drops a slot left without its check", async () => {
    const { schedule, setSlot } = fresh();
    const [removed, orphanSlot] = [monitor(), monitor()];
    await schedule.upsert([removed]);
    await schedule.remove([removed.monitorId]);
    expect(await schedule.get(removed.monitorId)).toBeUndefined();
    await setSlot(orphanSlot.monitorId, Date.now() - 10);
    expect(await schedule.monitorIds()).toEqual([orphanSlot.monitorId]);
    expect(await schedule.claim(100)).toEqual([]);
    expect(await schedule.monitorIds()).toEqual([]);
  });
});

describe("the check dispatcher", () => {
  it("queues a slot's due checks in jobs of up to the batch size, each with its slot", async () => {
    const { prefix, schedule, setSlot } = fresh();
    const bull = createRedis(TEST_REDIS_URL, "bullmq", "check-dispatcher-test");
    const queue = createCheckQueue(bull, prefix);
    try {
      const monitors = Array.from({ length: 45 }, () => monitor());
      await schedule.upsert(monitors);
      const slot = Date.now() - 20;
      for (const m of monitors) await setSlot(m.monitorId, slot);
      // A claim of 30 at most: the rest, due too, is claimed at once after it.
      const stop = startCheckDispatcher(
        { schedule, queue, log: silentLogger },
        {
          batchSize: 20,
          claimMax: 30,
        },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await stop();
      const jobs = await queue.getJobs(["wait"]);
      // 30 claimed: two jobs of 15 (added together); then 15 claimed: one job (added alone).
      const sizes = jobs.map((job) => decodeCheckBatch(job.data, job).length);
      expect(sizes).toEqual([15, 15, 15]);
      // Either way, each job with the check jobs' options: removed once done, never retried.
      for (const job of jobs) {
        expect(job.name).toBe(CHECK_JOB_NAME);
        expect(job.opts).toMatchObject({ attempts: 1, removeOnComplete: true });
      }
      const checks = jobs.flatMap((job) => decodeCheckBatch(job.data, job));
      expect(new Set(checks.map((c) => c.monitorId)).size).toBe(45);
      for (const check of checks) {
        expect(check.scheduledAtMs).toBe(slot);
        expect(check.target?.url).toBe("http://127.0.0.1:1/");
      }
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      bull.disconnect();
    }
  });

  it("makes jobs whose data decodes to the claimed checks", () => {
    const claimed = [1, 2, 3].map((i) => ({
      monitorId: `m${i}`,
      slotMs: 1000 * i,
      job: JSON.stringify({ monitorId: `m${i}`, intervalSeconds: 20 }),
    }));
    expect(batchesOf([...claimed, ...claimed, ...claimed], 4).map((j) => j.data.checks)).toEqual(
      [3, 3, 3].map((n) => expect.toSatisfy((checks: unknown[]) => checks.length === n)),
    );
    const [only, ...more] = batchesOf(claimed, 5);
    expect(more).toEqual([]);
    const checks = decodeCheckBatch(only?.data ?? {}, { timestamp: 0, opts: {} });
    expect(checks.map((c) => [c.monitorId, c.scheduledAtMs])).toEqual([
      ["m1", 1000],
      ["m2", 2000],
      ["m3", 3000],
    ]);
  });
});
