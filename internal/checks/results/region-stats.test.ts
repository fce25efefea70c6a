import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CheckResult } from "../../../gen/pulsar/v1/check_pb.js";
import { createTestOrg } from "../../../test/support/accounts.js";
import {
  createDayPartition,
  DAY,
  MINUTE,
  resultFixture,
  specFixture,
} from "../../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { insertMonitor } from "../monitors/monitors.js";
import { getMonitorStatsWithRegions, type RegionStatsQuery } from "./region-stats.js";
import { getMonitorStats, insertCheckResults } from "./results.js";

let db: TestDatabase;
let orgId: string;
let monitorId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  orgId = (await createTestOrg(db.pool)).orgId;
  // Results hours old fall before yesterday just after midnight UTC; the 30 day window reaches
  // back into the partition 31 days ago.
  for (let day = -31; day <= -2; day++) await createDayPartition(db.pool, day);
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors, check_results CASCADE");
  monitorId = (await insertMonitor(db.pool, orgId, specFixture({ regions: ["c", "a", "b"] }))).id;
});

type Fields = Parameters<typeof resultFixture>[0];
/** inRegion is a fixture result of the monitor in a region, minutesAgo minutes old. */
function inRegion(
  region: string,
  minutesAgo: number,
  fields: Partial<Fields> & { maintenance?: boolean } = {},
): CheckResult {
  const { maintenance = false, ...rest } = fields;
  const result = resultFixture({
    monitorId,
    checkedAtMs: Date.now() - minutesAgo * MINUTE,
    ...rest,
  });
  result.region = region;
  result.maintenance = maintenance;
  return result;
}

/**
 * Region a: four ups (100–400 ms), a 503 (a response: 500 ms counts in the percentiles), a
 * timeout (no response: uptime only) and a timeout during maintenance (nothing). Region b: two
 * ups. Region c: one check, two hours ago. Region z, which the monitor does not list: one up.
 */
const fixtures = () => [
  inRegion("a", 1, { totalMs: 100 }),
  inRegion("a", 2, { totalMs: 200 }),
  inRegion("a", 3, { totalMs: 300 }),
  inRegion("a", 4, { totalMs: 400 }),
  inRegion("a", 5, { up: false, statusCode: 503, totalMs: 500 }),
  inRegion("a", 6, { up: false, statusCode: 0, totalMs: 10_000 }),
  inRegion("a", 7, { up: false, statusCode: 0, totalMs: 10_000, maintenance: true }),
  inRegion("b", 1, { totalMs: 50 }),
  inRegion("b", 2, { totalMs: 60 }),
  inRegion("c", 120, { totalMs: 70 }),
  inRegion("z", 1, { totalMs: 1 }),
];

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 60 * MINUTE);

/** regionStatsOf is the regions' part of getMonitorStatsWithRegions. */
const regionStatsOf = async (db: TestDatabase["pool"], query: RegionStatsQuery) =>
  (await getMonitorStatsWithRegions(db, query)).regions;

describe("getMonitorStatsWithRegions' regions", () => {
  it("gives each listed region's uptime and percentiles in the order given, zeros for a region without checks in the window", async () => {
    expect(await insertCheckResults(db.pool, fixtures())).toBe(11);
    const stats = await regionStatsOf(db.pool, {
      monitorId,
      regions: ["c", "a", "b"],
      since: hoursAgo(1),
      window: "1h",
    });
    expect(stats.map((s) => s.region)).toEqual(["c", "a", "b"]);
    const [c, a, b] = stats.map((s) => s.stats);

    expect(c).toMatchObject({ window: "1h", checks: 0n, failures: 0n, uptimeRatio: 0 });
    expect(c?.totalMs).toMatchObject({ p50: 0, p95: 0, p99: 0 });
    expect(c?.avgTotalMs).toBe(0);

    // Six checks outside maintenance, two failed; percentiles over the five that got a response.
    expect(a).toMatchObject({ window: "1h", checks: 6n, failures: 2n });
    expect(a?.uptimeRatio).toBeCloseTo(4 / 6, 12);
    expect(a?.avgTotalMs).toBeCloseTo(300, 9);
    expect(a?.totalMs?.p50).toBeCloseTo(300, 9);
    expect(a?.totalMs?.p95).toBeCloseTo(480, 9);
    expect(a?.totalMs?.p99).toBeCloseTo(496, 9);
    // The fixture's DNS phase is a tenth of the total.
    expect(a?.dnsMs?.p95).toBeCloseTo(48, 9);
    expect(a?.tlsCertExpiresAt).toBeUndefined();

    expect(b).toMatchObject({ checks: 2n, failures: 0n, uptimeRatio: 1 });
    expect(b?.totalMs?.p50).toBeCloseTo(55, 9);
    expect(b?.totalMs?.p95).toBeCloseTo(59.5, 9);
    expect(b?.totalMs?.p99).toBeCloseTo(59.9, 9);
  });

  it("counts a region's check once the window reaches back to it", async () => {
    await insertCheckResults(db.pool, fixtures());
    const [c] = await regionStatsOf(db.pool, {
      monitorId,
      regions: ["c"],
      since: hoursAgo(24),
      window: "24h",
    });
    expect(c?.stats).toMatchObject({ window: "24h", checks: 1n, failures: 0n, uptimeRatio: 1 });
    expect(c?.stats?.totalMs?.p99).toBeCloseTo(70, 9);
  });

  it("gives a region exactly the figures GetMonitorStats gives a monitor checked only there", async () => {
    const fixtureResults = fixtures();
    await insertCheckResults(db.pool, fixtureResults);
    const onlyA = (await insertMonitor(db.pool, orgId, specFixture({ name: "only a" }))).id;
    await insertCheckResults(
      db.pool,
      fixtureResults.filter((r) => r.region === "a").map((r) => ({ ...r, monitorId: onlyA })),
    );
    const since = hoursAgo(1);
    const [a] = await regionStatsOf(db.pool, {
      monitorId,
      regions: ["a"],
      since,
      window: "1h",
    });
    expect(a?.stats).toEqual(
      await getMonitorStats(db.pool, { monitorId: onlyA, since, window: "1h" }),
    );
  });

  it("leaves out other monitors' results and regions not asked for, and nothing for no regions", async () => {
    await insertCheckResults(db.pool, fixtures());
    const other = (await insertMonitor(db.pool, orgId, specFixture({ name: "other" }))).id;
    const foreign = resultFixture({ monitorId: other, checkedAtMs: Date.now() - MINUTE });
    foreign.region = "b";
    await insertCheckResults(db.pool, [foreign]);
    const [b, z] = await regionStatsOf(db.pool, {
      monitorId,
      regions: ["b", "y"],
      since: hoursAgo(1),
      window: "1h",
    });
    expect(b?.stats?.checks).toBe(2n);
    expect(z).toMatchObject({ region: "y", stats: { checks: 0n } });
    expect(
      await regionStatsOf(db.pool, {
        monitorId,
        regions: [],
        since: hoursAgo(1),
        window: "1h",
      }),
    ).toEqual([]);
  });
});

describe("getMonitorStatsWithRegions' monitor stats", () => {
  it("are getMonitorStats' exactly, certificate and regions the monitor no longer lists included", async () => {
    const results = fixtures();
    const newest = inRegion("b", 3, { totalMs: 70 });
    newest.tlsCertExpiresAt = timestampFromMs(Date.now() + 20 * DAY);
    newest.tlsCertIssuer = "R11";
    const older = inRegion("a", 8, { totalMs: 80 });
    older.tlsCertExpiresAt = timestampFromMs(Date.now() + 50 * DAY);
    older.tlsCertIssuer = "R10";
    await insertCheckResults(db.pool, [...results, newest, older]);
    const since = hoursAgo(1);
    const { stats } = await getMonitorStatsWithRegions(db.pool, {
      monitorId,
      regions: ["c", "a", "b"],
      since,
      window: "1h",
    });
    // Every check of the window but the one in maintenance, z's as well.
    expect(stats).toMatchObject({ checks: 11n, failures: 2n, tlsCertIssuer: "R11" });
    expect(stats).toEqual(await getMonitorStats(db.pool, { monitorId, since, window: "1h" }));
  });

  it("are zeros, as getMonitorStats', for a window without checks, and so are the regions", async () => {
    const since = hoursAgo(1);
    const { stats, regions } = await getMonitorStatsWithRegions(db.pool, {
      monitorId,
      regions: ["c", "a"],
      since,
      window: "1h",
    });
    expect(stats).toMatchObject({ checks: 0n, uptimeRatio: 0, tlsCertIssuer: "" });
    expect(stats).toEqual(await getMonitorStats(db.pool, { monitorId, since, window: "1h" }));
    expect(regions.map((r) => [r.region, r.stats?.checks])).toEqual([
      ["c", 0n],
      ["a", 0n],
    ]);
  });
});

describe("getMonitorStatsWithRegions over 30 days", () => {
  /**
   * thirtyDays is a month of checks in regions a, b and c and a region z the monitor does not
   * list, two hours apart per region, with every kind the figures tell apart: ups, 503s (a
   * response), timeouts (none) and checks during maintenance; the phases vary on their own.
   * Times are whole milliseconds, so the averages do not depend on the order rows are summed.
   */
  const thirtyDays = (): CheckResult[] =>
    ["a", "b", "c", "z"].flatMap((region, r) =>
      Array.from({ length: 30 * 12 }, (_, i) => {
        const kind = (i * 7 + r) % 23;
        const result = inRegion(region, i * 120 + 1 + r, {
          up: kind > 2,
          statusCode: kind === 0 ? 0 : kind === 1 ? 503 : 200,
          totalMs: kind === 0 ? 10_000 : 40 + ((i * 37 + r * 11) % 300),
          maintenance: kind === 5,
        });
        if (result.timing) {
          result.timing.dnsMs = (i * 13 + r) % 17;
          result.timing.tlsMs = (i * 29 + r * 3) % 61;
        }
        if (i % 50 === 0) {
          result.tlsCertExpiresAt = timestampFromMs(Date.now() + (60 - i / 10) * DAY);
          result.tlsCertIssuer = `R${r}`;
        }
        return result;
      }),
    );

  it("gives each region exactly the figures getMonitorStats gives that region's checks alone, and the monitor its own", async () => {
    const results = thirtyDays();
    // Older than the window: left out of every figure.
    results.push(inRegion("a", 30 * 24 * 60 + 90, { totalMs: 5 }));
    await insertCheckResults(db.pool, results);
    const since = new Date(Date.now() - 30 * DAY);
    const regions = ["c", "a", "b"];
    const answer = await getMonitorStatsWithRegions(db.pool, {
      monitorId,
      regions,
      since,
      window: "30d",
    });
    expect(answer.stats).toEqual(
      await getMonitorStats(db.pool, { monitorId, since, window: "30d" }),
    );
    expect(answer.stats.checks).toBeGreaterThan(4n * 330n);

    // Each region's checks stored again as those of a monitor checked only there.
    const alone = new Map<string, string>();
    for (const region of regions) {
      const id = (await insertMonitor(db.pool, orgId, specFixture({ name: `only ${region}` }))).id;
      alone.set(region, id);
      await insertCheckResults(
        db.pool,
        results.filter((r) => r.region === region).map((r) => ({ ...r, monitorId: id })),
      );
    }
    expect(answer.regions.map((r) => r.region)).toEqual(regions);
    for (const { region, stats } of answer.regions) {
      const separately = await getMonitorStats(db.pool, {
        monitorId: alone.get(region) ?? "",
        since,
        window: "30d",
      });
      // A region's figures carry no certificate: the monitor's stats do.
      expect(stats, region).toEqual({
        ...separately,
        tlsCertExpiresAt: undefined,
        tlsCertIssuer: "",
      });
      expect(stats?.checks, region).toBeGreaterThan(330n);
      expect(stats?.failures, region).toBeGreaterThan(0n);
    }
  });
});
