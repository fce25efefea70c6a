// Shows that GetMonitorStatsWithRegions reads the window through the primary key of each
// partition of the window and of no other, once for the figures of the monitor and of its
// regions (and once more for the certificate, stopping at the newest row that has one), both
// with no statistics at all (autovacuum is off on the machines Pulsar is tested on, so a fresh
// table has none) and after ANALYZE, on a data set where one monitor is a small share of each
// partition and its three regions' checks interleave, as workers write them.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../../../test/support/accounts.js";
import { createDayPartition, DAY, specFixture } from "../../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import {
  expectIndexScansWithin,
  firstStatementOf,
  type PlanNode,
  resultScans,
} from "../../../test/support/query-plans-doc.js";
import { insertMonitor } from "../monitors/monitors.js";
import { getMonitorStatsWithRegions } from "./region-stats.js";

const MONITORS = 100;
const REGIONS = ["a", "b", "c"];
const RESULTS_PER_REGION = 500;
// 500 checks 1,400 s apart: a little over 8 days, so every partition of a 7 day window holds
// data and older ones exist to be pruned.
const STEP_SECONDS = 1400;

let db: TestDatabase;
let client: pg.PoolClient;
let monitorId: string;

const dayName = (offset: number) =>
  `check_results_${new Date(Math.floor(Date.now() / DAY) * DAY + offset * DAY).toISOString().slice(0, 10).replaceAll("-", "")}`;

/** explain runs the region stats of a window once, then EXPLAINs the SQL it sent. */
async function explain(days: number): Promise<{ plan: PlanNode; text: string }> {
  const call = (q: pg.PoolClient) =>
    getMonitorStatsWithRegions(q, {
      monitorId,
      regions: REGIONS,
      since: new Date(Date.now() - days * DAY),
      window: `${days}d`,
    });
  const { sql, values } = await firstStatementOf(client, call);
  const json = await client.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(
    `EXPLAIN (FORMAT JSON) ${sql}`,
    values,
  );
  const text = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, values);
  const plan = json.rows[0]?.["QUERY PLAN"][0]?.Plan;
  if (!plan) throw new Error("no plan");
  return { plan, text: text.rows.map((r) => r["QUERY PLAN"]).join("\n") };
}

/** nodesOf lists the nodes of a plan of a type. */
function nodesOf(node: PlanNode, type: string, out: PlanNode[] = []): PlanNode[] {
  if (node["Node Type"] === type) out.push(node);
  for (const child of node.Plans ?? []) nodesOf(child, type, out);
  return out;
}

/** expectPrimaryKeyScans asserts the window's partitions, and only them, are read by key. */
async function expectPrimaryKeyScans(days: number) {
  const shown = await explain(days);
  const window = Array.from({ length: days + 1 }, (_, i) => dayName(i - days));
  await expectIndexScansWithin(client, shown, resultScans, window);
  const indexes = [...shown.text.matchAll(/(?:Index Scan(?: Backward)? using|on) (\S+_pkey)/g)];
  expect(indexes.length, shown.text).toBeGreaterThan(0);
  for (const [, index] of indexes) expect(index, shown.text).toMatch(/^check_results_\d{8}_pkey$/);
  expect(shown.text).not.toMatch(/Seq Scan on check_results_/);
  for (const day of [-9, -8]) expect(shown.text).not.toContain(dayName(day));
  // One pass over the window for the figures, grouped both ways: no scan per region, none for
  // the monitor apart from its regions.
  const aggregates = nodesOf(shown.plan, "Aggregate");
  expect(aggregates.length, shown.text).toBe(1);
  const [aggregate] = aggregates;
  if (!aggregate) throw new Error("no aggregate");
  expect(resultScans(aggregate).length, shown.text).toBeLessThanOrEqual(window.length);
  // The certificate's lookup is the only other read.
  const limits = nodesOf(shown.plan, "Limit");
  expect(limits.length, shown.text).toBe(1);
  const [limit] = limits;
  if (!limit) throw new Error("no limit");
  expect(resultScans(shown.plan).length, shown.text).toBe(
    resultScans(aggregate).length + resultScans(limit).length,
  );
  return shown;
}

beforeAll(async () => {
  db = await createTestDatabase();
  for (let day = -9; day <= -2; day++) await createDayPartition(db.pool, day);
  const { orgId } = await createTestOrg(db.pool);
  for (let i = 0; i < MONITORS; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) =>
        insertMonitor(db.pool, orgId, specFixture({ name: `m${i + j}`, regions: REGIONS })),
      ),
    );
  }
  // In time order, monitors and regions interleaved, as workers write them.
  await db.pool.query(
    `INSERT INTO check_results (monitor_id, checked_at, up, status_code, redirect_ms, dns_ms,
       connect_ms, tls_ms, ttfb_ms, download_ms, total_ms, response_bytes, region)
     SELECT m.id, now() - make_interval(secs => g * $1 + m.seq), g % 20 <> 0,
       CASE WHEN g % 20 <> 0 THEN 200 ELSE 503 END, 0, 2, 5, 10, 40 + g % 30, 3, 60 + g % 30,
       1000, r.region
     FROM generate_series($2::int, 1, -1) g CROSS JOIN monitors m
       CROSS JOIN unnest($3::text[]) AS r(region)
     ORDER BY g DESC, m.seq, r.region`,
    [STEP_SECONDS, RESULTS_PER_REGION, REGIONS],
  );
  const picked = await db.pool.query<{ id: string }>(
    "SELECT id FROM monitors ORDER BY seq LIMIT 1 OFFSET 17",
  );
  monitorId = picked.rows[0]?.id ?? "";
  client = await db.pool.connect();
}, 60_000);

afterAll(async () => {
  client.release();
  await db.drop();
});

describe("GetMonitorStatsWithRegions' plan", () => {
  it("reads a 1 and a 7 day window by each partition's primary key with no statistics", async () => {
    const analyzed = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stats WHERE tablename LIKE 'check_results%' AND schemaname = current_schema()",
    );
    expect(analyzed.rows[0]?.n).toBe(0);
    await expectPrimaryKeyScans(1);
    await expectPrimaryKeyScans(7);
  });

  it("reads them the same way after ANALYZE, and still answers each region", async () => {
    await client.query("ANALYZE monitors, check_results");
    await expectPrimaryKeyScans(1);
    const week = await expectPrimaryKeyScans(7);
    // Later partitions are pruned when execution starts (the window ends at now()).
    expect(week.text).toContain("Subplans Removed");
    const { stats, regions } = await getMonitorStatsWithRegions(client, {
      monitorId,
      regions: REGIONS,
      since: new Date(Date.now() - 7 * DAY),
      window: "7d",
    });
    const checks = regions.map((s) => Number(s.stats?.checks));
    // 7 days of checks 1,400 s apart: 432 (one more or less with the clock).
    for (const n of checks)
      expect(Math.abs(n - (7 * 86_400) / STEP_SECONDS)).toBeLessThanOrEqual(1);
    expect(Number(stats.checks)).toBe(checks.reduce((sum, n) => sum + n, 0));
  });
});
