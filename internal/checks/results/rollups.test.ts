import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestOrg } from "../../../test/support/accounts.js";
import { createDayPartition, resultFixture, specFixture } from "../../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { maintainPartitions } from "../../db/partitions.js";
import { deleteMonitor, insertMonitor } from "../monitors/monitors.js";
import { listHourlyRollups, listTimingBuckets } from "./rollups.js";
import { storeCheckResults } from "./store-check-results.js";

let db: TestDatabase;
let orgId: string;
let otherOrgId: string;
let monitorId: string;
const HOUR = 3_600_000;
/** The start of the previous UTC hour: results at +10 min and +70 min land in two hours. */
const hourStart = Math.floor(Date.now() / HOUR) * HOUR - HOUR;

beforeAll(async () => {
  db = await createTestDatabase();
  orgId = (await createTestOrg(db.pool)).orgId;
  otherOrgId = (await createTestOrg(db.pool, "Other")).orgId;
  await createDayPartition(db.pool, -2);
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors, check_results, check_rollups_hourly CASCADE");
  monitorId = (await insertMonitor(db.pool, orgId, specFixture())).id;
});

const rollups = () =>
  listHourlyRollups(db.pool, { orgId, monitorIds: [monitorId], since: new Date(hourStart) });

describe("hourly rollups", () => {
  it("count a TCP or DNS check that succeeded as a response, and neither a failed one nor a ping", async () => {
    await storeCheckResults(db.pool, [
      // A TCP or DNS check up: no HTTP status, but its total is a latency.
      resultFixture({
        monitorId,
        checkedAtMs: hourStart + 10 * 60_000,
        statusCode: 0,
        totalMs: 12,
      }),
      // The same kinds failing (refused, timed out): no latency.
      resultFixture({
        monitorId,
        checkedAtMs: hourStart + 20 * 60_000,
        up: false,
        statusCode: 0,
        totalMs: 2000,
      }),
      // A heartbeat's ping: up, no time at all.
      resultFixture({ monitorId, checkedAtMs: hourStart + 30 * 60_000, statusCode: 0, totalMs: 0 }),
    ]);
    expect(await rollups()).toMatchObject([
      { checks: 3, failures: 1, responses: 1, totalMsSum: 12 },
    ]);
  });

  it("add up each hour's checks, failures and response latencies as results are stored", async () => {
    await storeCheckResults(db.pool, [
      resultFixture({ monitorId, checkedAtMs: hourStart + 10 * 60_000, totalMs: 100 }),
      resultFixture({ monitorId, checkedAtMs: hourStart + 20 * 60_000, totalMs: 300 }),
      // A timeout: a failure, and no latency (status 0).
      resultFixture({
        monitorId,
        checkedAtMs: hourStart + 30 * 60_000,
        up: false,
        statusCode: 0,
        totalMs: 10_000,
      }),
    ]);
    await storeCheckResults(db.pool, [
      resultFixture({ monitorId, checkedAtMs: hourStart + 40 * 60_000, up: false, totalMs: 200 }),
      resultFixture({ monitorId, checkedAtMs: hourStart + 70 * 60_000, totalMs: 50 }),
    ]);
    expect(await rollups()).toEqual([
      {
        monitorId,
        hour: new Date(hourStart),
        checks: 4,
        failures: 2,
        responses: 3,
        totalMsSum: 600,
      },
      {
        monitorId,
        hour: new Date(hourStart + HOUR),
        checks: 1,
        failures: 0,
        responses: 1,
        totalMsSum: 50,
      },
    ]);
  });

  it("do not count a retried batch twice", async () => {
    const batch = [resultFixture({ monitorId, checkedAtMs: hourStart + 5 * 60_000, totalMs: 80 })];
    await storeCheckResults(db.pool, batch);
    await storeCheckResults(db.pool, batch);
    expect((await rollups()).map((r) => r.checks)).toEqual([1]);
  });

  it("are scoped to the organization and go with their monitor", async () => {
    await storeCheckResults(db.pool, [
      resultFixture({ monitorId, checkedAtMs: hourStart + 60_000 }),
    ]);
    const foreign = await listHourlyRollups(db.pool, {
      orgId: otherOrgId,
      monitorIds: [monitorId],
      since: new Date(hourStart),
    });
    expect(foreign).toEqual([]);
    expect(await deleteMonitor(db.pool, orgId, monitorId)).toBe(true);
    const left = await db.pool.query("SELECT count(*)::int AS n FROM check_rollups_hourly");
    expect(left.rows[0].n).toBe(0);
  });

  it("are dropped past the retention with the result partitions", async () => {
    await db.pool.query(
      "INSERT INTO check_rollups_hourly VALUES ($1, now() - interval '40 days', 1, 0, 1, 5), ($1, now(), 1, 0, 1, 5)",
      [monitorId],
    );
    await maintainPartitions(db.pool, { daysAhead: 1, retentionDays: 30 });
    const left = await db.pool.query("SELECT count(*)::int AS n FROM check_rollups_hourly");
    expect(left.rows[0].n).toBe(1);
  });
});

describe("timing buckets", () => {
  it("average each phase per bucket over the checks that got a response", async () => {
    const bucket = Math.floor(Date.now() / 600_000) * 600_000 - 600_000;
    await storeCheckResults(db.pool, [
      resultFixture({ monitorId, checkedAtMs: bucket + 1000, totalMs: 100 }),
      resultFixture({ monitorId, checkedAtMs: bucket + 2000, totalMs: 300 }),
      resultFixture({
        monitorId,
        checkedAtMs: bucket + 3000,
        up: false,
        statusCode: 0,
        totalMs: 9000,
      }),
    ]);
    const [point, ...rest] = await listTimingBuckets(db.pool, {
      monitorId,
      since: new Date(bucket),
      stepSeconds: 600,
    });
    expect(rest).toEqual([]);
    expect(point?.time).toEqual(new Date(bucket));
    expect(point).toMatchObject({
      checks: 3,
      failures: 1,
      total_ms: 200,
      dns_ms: 20,
      connect_ms: 40,
    });
  });
});
