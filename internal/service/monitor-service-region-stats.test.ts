import { create } from "@bufbuild/protobuf";
import { Code, type createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CheckResult } from "../../gen/pulsar/v1/check_pb.js";
import { MonitorService, MonitorSpecSchema } from "../../gen/pulsar/v1/monitor_pb.js";
import { createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { callerClient } from "../../test/support/caller-client.js";
import { createDayPartition, MINUTE, resultFixture } from "../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { refusal } from "../../test/support/refusal.js";
import { insertCheckResults } from "../checks/results/results.js";
import { silentLogger } from "../core/logger.js";
import { createMonitorService } from "./monitor-service.js";

// GetMonitorStatsResponse.regions through MonitorService: each region's figures over the
// window, in the monitor's order, for a monitor of several regions only.

let db: TestDatabase;
let org: TestOrg;
let client: ReturnType<typeof createClient<typeof MonitorService>>;

const newService = () =>
  createMonitorService({
    pool: db.pool,
    scheduler: { schedule: async () => {}, unschedule: async () => {} },
    log: silentLogger,
    defaultRegion: "eu-central",
  });

beforeAll(async () => {
  db = await createTestDatabase();
  // Results hours old fall before yesterday just after midnight UTC.
  await createDayPartition(db.pool, -2);
  org = await createTestOrg(db.pool, "Acme");
  client = callerClient(MonitorService, newService(), org.caller);
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors, check_results CASCADE");
});

const createWithRegions = async (regions: string[]) => {
  const { monitor } = await client.createMonitor({
    monitor: create(MonitorSpecSchema, { name: "Checkout", url: "https://example.com/", regions }),
  });
  return monitor?.id ?? "";
};

/** checkIn is a check of the monitor from a region, minutesAgo minutes old. */
function checkIn(
  monitorId: string,
  region: string,
  minutesAgo: number,
  fields: { up?: boolean; statusCode?: number; totalMs?: number } = {},
): CheckResult {
  const result = resultFixture({
    monitorId,
    checkedAtMs: Date.now() - minutesAgo * MINUTE,
    ...fields,
  });
  result.region = region;
  return result;
}

/**
 * Region a: three ups (100, 200, 300 ms) and a timeout (down, no response). Region b: a 503 at
 * 40 ms (down, but a response) and an up at 80 ms. Region c: silent for the last hour, one up
 * three hours ago.
 */
const seed = (monitorId: string) =>
  insertCheckResults(db.pool, [
    checkIn(monitorId, "a", 1, { totalMs: 100 }),
    checkIn(monitorId, "a", 2, { totalMs: 200 }),
    checkIn(monitorId, "a", 3, { totalMs: 300 }),
    checkIn(monitorId, "a", 4, { up: false, statusCode: 0, totalMs: 10_000 }),
    checkIn(monitorId, "b", 1, { up: false, statusCode: 503, totalMs: 40 }),
    checkIn(monitorId, "b", 2, { totalMs: 80 }),
    checkIn(monitorId, "c", 180, { totalMs: 90 }),
  ]);

describe("GetMonitorStats of a monitor of several regions", () => {
  it("gives each region's uptime and percentiles over the window, in the monitor's order, zeros for a silent region", async () => {
    const id = await createWithRegions(["c", "a", "b"]);
    expect(await seed(id)).toBe(7);
    const { stats, regions } = await client.getMonitorStats({
      monitorId: id,
      window: "1h",
      withRegions: true,
    });

    // The monitor's own figures still count every region's checks.
    expect(stats).toMatchObject({ window: "1h", checks: 6n, failures: 2n });
    // Regions only when asked: grouping by region too costs the server more.
    const alone = await client.getMonitorStats({ monitorId: id, window: "1h" });
    expect([alone.stats?.checks, alone.regions]).toEqual([6n, []]);
    expect(regions.map((r) => r.region)).toEqual(["c", "a", "b"]);
    const [c, a, b] = regions.map((r) => r.stats);

    expect(c).toMatchObject({ window: "1h", checks: 0n, failures: 0n, uptimeRatio: 0 });
    expect(c?.totalMs).toMatchObject({ p50: 0, p95: 0, p99: 0 });

    expect(a).toMatchObject({ window: "1h", checks: 4n, failures: 1n, uptimeRatio: 0.75 });
    // Over 100, 200, 300: the timeout got no response.
    expect(a?.totalMs?.p50).toBeCloseTo(200, 9);
    expect(a?.totalMs?.p95).toBeCloseTo(290, 9);
    expect(a?.totalMs?.p99).toBeCloseTo(298, 9);
    expect(a?.avgTotalMs).toBeCloseTo(200, 9);

    expect(b).toMatchObject({ checks: 2n, failures: 1n, uptimeRatio: 0.5 });
    // Over 40 and 80: the 503 got a response.
    expect(b?.totalMs?.p50).toBeCloseTo(60, 9);
    expect(b?.totalMs?.p95).toBeCloseTo(78, 9);
    expect(b?.totalMs?.p99).toBeCloseTo(79.6, 9);
  });

  it("counts the silent region's older check in a window that reaches it", async () => {
    const id = await createWithRegions(["c", "a", "b"]);
    await seed(id);
    const { stats, regions } = await client.getMonitorStats({
      monitorId: id,
      window: "24h",
      withRegions: true,
    });
    expect(stats?.checks).toBe(7n);
    expect(regions[0]).toMatchObject({
      region: "c",
      stats: { window: "24h", checks: 1n, failures: 0n, uptimeRatio: 1 },
    });
    expect(regions[0]?.stats?.totalMs?.p50).toBeCloseTo(90, 9);
  });

  it("leaves out a region the monitor no longer lists", async () => {
    const id = await createWithRegions(["c", "a", "b"]);
    await seed(id);
    await client.updateMonitor({
      id,
      monitor: create(MonitorSpecSchema, {
        name: "Checkout",
        url: "https://example.com/",
        regions: ["b", "d"],
      }),
    });
    const { regions } = await client.getMonitorStats({
      monitorId: id,
      window: "1h",
      withRegions: true,
    });
    expect(regions.map((r) => [r.region, r.stats?.checks])).toEqual([
      ["b", 2n],
      ["d", 0n],
    ]);
  });
});

describe("GetMonitorStats of a monitor of one region", () => {
  it("gives no regions: the monitor's stats are its region's", async () => {
    const one = await createWithRegions(["a"]);
    const none = await createWithRegions([]);
    await seed(one);
    await seed(none);
    for (const id of [one, none]) {
      const { stats, regions } = await client.getMonitorStats({
        monitorId: id,
        window: "1h",
        withRegions: true,
      });
      expect(stats?.checks).toBe(6n);
      expect(regions).toEqual([]);
    }
  });
});

describe("GetMonitorStats of another organization's monitor", () => {
  it("is not_found, regions or not", async () => {
    const id = await createWithRegions(["a", "b"]);
    await seed(id);
    const stranger = await createTestOrg(db.pool, "Stranger");
    const other = callerClient(MonitorService, newService(), stranger.caller);
    expect(await refusal(other.getMonitorStats({ monitorId: id, window: "1h" }))).toEqual([
      Code.NotFound,
      `monitor ${id} not found`,
    ]);
  });
});
