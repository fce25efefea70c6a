import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../../../test/support/accounts.js";
import { specFixture } from "../../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { deleteKeys } from "../../../test/support/redis-keys.js";
import { silentLogger } from "../../core/logger.js";
import { createRedis } from "../../redis/redis.js";
import { insertMonitor, setMonitorEnabled } from "../monitors/monitors.js";
import { type CheckQueue, createCheckQueue } from "./check-queue.js";
import { createCheckSchedule } from "./check-schedule.js";
import { reconcileSchedules } from "./reconcile.js";
import { countRegionMonitors, listRegionSchedules } from "./region-monitors.js";

const redis = createRedis(TEST_REDIS_URL, "command", "region-monitors-test");
const bull = createRedis(TEST_REDIS_URL, "bullmq", "region-monitors-test-queue");
const prefix = uniquePrefix("region-monitors");
const queues: CheckQueue[] = [];
let db: TestDatabase;
/** Monitor ids by what they list: regions a and b, b only, none (the default region, a). */
const ids = { ab: "", b: "", none: "", paused: "" };

beforeAll(async () => {
  db = await createTestDatabase();
  const { orgId } = await createTestOrg(db.pool);
  const insert = async (regions: string[]) =>
    (await insertMonitor(db.pool, orgId, specFixture({ regions }))).id;
  ids.ab = await insert(["a", "b"]);
  ids.b = await insert(["b"]);
  ids.none = await insert([]);
  ids.paused = await insert(["b"]);
  await setMonitorEnabled(db.pool, orgId, ids.paused, false);
  await insertMonitor(db.pool, orgId, specFixture({ kind: "heartbeat", url: "" }));
});

afterAll(async () => {
  for (const queue of queues) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await deleteKeys(redis, `${prefix}:*`);
  redis.disconnect();
  bull.disconnect();
  await db?.drop();
});

/** reconcile runs a region's reconciliation as its workers do (internal/checks/check-worker.ts). */
async function reconcile(region: string, defaultRegion: string) {
  const queue = createCheckQueue(bull, prefix, region);
  queues.push(queue);
  const schedule = createCheckSchedule(redis, prefix, region);
  const outcome = await reconcileSchedules({
    schedule,
    queue,
    loadSchedules: () => listRegionSchedules(db.pool, region, defaultRegion),
    countEnabled: () => countRegionMonitors(db.pool, region, defaultRegion),
    log: silentLogger,
  });
  return { outcome, kept: (await schedule.monitorIds()).sort(), count: await schedule.count() };
}

describe("each region's reconciliation", () => {
  it("keeps each region's schedule equal to the enabled monitors whose regions contain it", async () => {
    const a = await reconcile("a", "a");
    expect(a.kept).toEqual([ids.ab, ids.none].sort());
    const b = await reconcile("b", "a");
    expect(b.kept).toEqual([ids.ab, ids.b].sort());
    expect((await reconcile("c", "a")).kept).toEqual([]);
    // The cheap pass's count agrees with the full pass.
    expect(await countRegionMonitors(db.pool, "a", "a")).toBe(a.count);
    expect(await countRegionMonitors(db.pool, "b", "a")).toBe(b.count);
    expect(await countRegionMonitors(db.pool, "c", "a")).toBe(0);
  });

  it("removes from a region's schedule the monitors that left it", async () => {
    const b = createCheckSchedule(redis, prefix, "b");
    await reconcile("b", "a");
    // The monitor listing none was in b when b was the default region.
    const [none] = (await listRegionSchedules(db.pool, "b", "b")).filter(
      (s) => s.monitorId === ids.none,
    );
    if (!none) throw new Error("the monitor listing none is b's when b is the default");
    await b.upsert([none]);
    const { outcome, kept } = await reconcile("b", "a");
    expect(outcome.removed).toBe(1);
    expect(kept).toEqual([ids.ab, ids.b].sort());
  });
});
