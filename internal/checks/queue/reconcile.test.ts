import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { afterAll, describe, expect, it } from "vitest";
import { CheckTargetSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { deleteKeys } from "../../../test/support/redis-keys.js";
import { silentLogger } from "../../core/logger.js";
import { createRedis } from "../../redis/redis.js";
import {
  CHECK_JOB_NAME,
  createCheckQueue,
  encodeCheckJob,
  type MonitorSchedule,
} from "./check-queue.js";
import { createCheckSchedule } from "./check-schedule.js";
import { reconcileSchedules } from "./reconcile.js";

const connection = createRedis(TEST_REDIS_URL, "bullmq", "reconcile-test");
const prefix = uniquePrefix("reconcile");
const queue = createCheckQueue(connection, prefix);

afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await deleteKeys(connection, "test-reconcile*");
  connection.disconnect();
});

const scheduleFixture = (): MonitorSchedule => ({
  monitorId: randomUUID(),
  orgId: randomUUID(),
  intervalSeconds: 60,
  regions: [],
  target: create(CheckTargetSchema, {
    url: "https://example.com/",
    method: "GET",
    timeoutMs: 5000,
  }),
});

describe("reconcileSchedules", () => {
  it("adds the missing, rewrites the changed, removes the orphans and leaves the rest alone", async () => {
    const schedule = createCheckSchedule(connection, prefix);
    const [kept, changed, orphan, missing] = [1, 2, 3, 4].map(scheduleFixture);
    await schedule.upsert([kept, changed, orphan]);
    // A slot about to be claimed: moving it to the next one would skip a check.
    const keptSlot = Date.now() - 5;
    await connection.zadd(`${prefix}:check-schedule:due`, keptSlot, kept.monitorId);
    const outcome = await reconcileSchedules({
      schedule,
      queue,
      loadSchedules: async () => [kept, { ...changed, intervalSeconds: 30 }, missing],
      countEnabled: async () => 3,
      log: silentLogger,
    });
    expect(outcome).toEqual({ added: 1, updated: 1, removed: 1 });
    expect((await schedule.monitorIds()).sort()).toEqual(
      [kept, changed, missing].map((s) => s.monitorId).sort(),
    );
    expect((await schedule.get(changed.monitorId))?.intervalMs).toBe(30_000);
    expect((await schedule.get(kept.monitorId))?.nextSlotMs).toBe(keptSlot);
    expect((await schedule.get(missing.monitorId))?.nextSlotMs).toBeGreaterThan(Date.now());
    expect(await schedule.count()).toBe(3);
  });

  it("gives a monitor whose slot was lost its next slot", async () => {
    const schedule = createCheckSchedule(connection, uniquePrefix("reconcile-slot"));
    const monitor = scheduleFixture();
    await schedule.upsert([monitor]);
    await schedule.claim(0);
    const slotless = uniquePrefix("reconcile-slotless");
    const partial = createCheckSchedule(connection, slotless);
    await partial.upsert([monitor]);
    await connection.del(`${slotless}:check-schedule:due`);
    expect((await partial.get(monitor.monitorId))?.nextSlotMs).toBeUndefined();
    const outcome = await reconcileSchedules({
      schedule: partial,
      queue,
      loadSchedules: async () => [monitor],
      countEnabled: async () => 1,
      log: silentLogger,
    });
    expect(outcome).toEqual({ added: 0, updated: 1, removed: 0 });
    expect((await partial.get(monitor.monitorId))?.nextSlotMs).toBeGreaterThan(Date.now());
  });

  it("keeps the entry of a monitor created while it reads Postgres", async () => {
    const schedule = createCheckSchedule(connection, uniquePrefix("reconcile-race"));
    const created = scheduleFixture();
    const outcome = await reconcileSchedules({
      schedule,
      queue,
      // Postgres is read before the API commits a new monitor and schedules it.
      loadSchedules: async () => {
        await schedule.upsert([created]);
        return [];
      },
      countEnabled: async () => 0,
      log: silentLogger,
    });
    expect(outcome).toEqual({ added: 0, updated: 0, removed: 0 });
    expect(await schedule.monitorIds()).toEqual([created.monitorId]);
  });

  it("removes the BullMQ job schedulers an earlier version made, one per monitor", async () => {
    const monitor = scheduleFixture();
    await queue.upsertJobScheduler(
      monitor.monitorId,
      { every: 60_000, offset: 1 },
      { name: CHECK_JOB_NAME, data: encodeCheckJob(monitor) },
    );
    expect(await queue.getJobSchedulersCount()).toBe(1);
    await reconcileSchedules({
      schedule: createCheckSchedule(connection, prefix),
      queue,
      loadSchedules: async () => [monitor],
      countEnabled: async () => 1,
      log: silentLogger,
    });
    expect(await queue.getJobSchedulersCount()).toBe(0);
  });
});
