import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { afterAll, describe, expect, it } from "vitest";
import { CheckTargetSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { silentLogger } from "../../core/logger.js";
import { createRedis } from "../../redis/redis.js";
import { createCheckQueue, type MonitorSchedule } from "./check-queue.js";
import { reconcileSchedules } from "./reconcile.js";
import { upsertSchedule } from "./schedules.js";

const connection = createRedis(TEST_REDIS_URL, "bullmq", "reconcile-test");
const prefix = uniquePrefix("reconcile");
const queue = createCheckQueue(connection, prefix);

afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
});

const scheduleFixture = (): MonitorSchedule => ({
  monitorId: randomUUID(),
  orgId: randomUUID(),
  intervalSeconds: 60,
  target: create(CheckTargetSchema, {
    url: "https://example.com/",
    method: "GET",
    timeoutMs: 5000,
  }),
});

describe("reconcileSchedules", () => {
  it("adds the missing, replaces the changed and removes the orphans", async () => {
    const [kept, changed, orphan, missing] = [1, 2, 3, 4].map(scheduleFixture);
    for (const s of [kept, changed, orphan]) await upsertSchedule(queue, s);
    const outcome = await reconcileSchedules({
      queue,
      loadSchedules: async () => [kept, { ...changed, intervalSeconds: 30 }, missing],
      countEnabled: async () => 3,
      log: silentLogger,
    });
    expect(outcome).toEqual({ added: 1, updated: 1, removed: 1 });
    const ids = (await queue.getJobSchedulers(0, -1, true)).map((s) => s.key).sort();
    expect(ids).toEqual([kept, changed, missing].map((s) => s.monitorId).sort());
    expect((await queue.getJobScheduler(changed.monitorId))?.every).toBe(30_000);
  });

  it("keeps the scheduler of a monitor created while it reads Postgres", async () => {
    const fresh = createCheckQueue(connection, uniquePrefix("reconcile-race"));
    try {
      const created = scheduleFixture();
      const outcome = await reconcileSchedules({
        queue: fresh,
        // Postgres is read before the API commits a new monitor and schedules it.
        loadSchedules: async () => {
          await upsertSchedule(fresh, created);
          return [];
        },
        countEnabled: async () => 0,
        log: silentLogger,
      });
      expect(outcome).toEqual({ added: 0, updated: 0, removed: 0 });
      expect((await fresh.getJobScheduler(created.monitorId))?.key).toBe(created.monitorId);
    } finally {
      await fresh.obliterate({ force: true });
      await fresh.close();
    }
  });
});
