// Shows that the hot read paths use the primary key of check_results and prune partitions, and
// that the monitor reads use the indexes of monitors, with the planner left alone (no enable_*
// switches) on a data set where one monitor is a small share of each partition and one
// organization a small share of the monitors, as in production. Run with
// PULSAR_WRITE_QUERY_PLANS=1 to rewrite docs/query-plans.md from the plans seen.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../../test/support/accounts.js";
import { createDayPartition, DAY, specFixture } from "../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import {
  expectIndexScansWithin,
  firstStatementOf,
  type PlanNode,
  resultScans,
  type ShownPlan,
  writeQueryPlansDoc,
} from "../../test/support/query-plans-doc.js";
import {
  getMonitor,
  getMonitorWithRegionResults,
  insertMonitor,
  listMonitorsPage,
} from "../checks/monitors/monitors.js";
import { getMonitorStatsWithRegions } from "../checks/results/region-stats.js";
import { getMonitorStats, listCheckResults } from "../checks/results/results.js";
import { listLastResultsPage } from "../stream/stream-replay.js";
import type { Queryable } from "./pool.js";

const MONITORS = 200;
const RESULTS_PER_MONITOR = 500;
// 500 checks 1,400 s apart: a little over 8 days, so every partition of a 7 day window holds
// data (an empty partition is rightly read by Seq Scan) and older ones exist to be pruned.
const STEP_SECONDS = 1400;
// Monitors without results, so that the list pages are planned at a realistic size. They are
// spread round-robin over ORGS organizations, so each one's monitors interleave in seq with
// the others' and each organization is a small share of the table, as with many tenants (an
// organization owning several percent of a small table is rightly read through
// monitors_seq_key with a filter instead). The first organization also owns the MONITORS with
// results.
const MORE_MONITORS = 60_000;
const ORGS = 200;
const OWN_MONITORS = MONITORS + MORE_MONITORS / ORGS;

let db: TestDatabase;
let client: pg.PoolClient;
let orgId: string;
let monitorId: string;
let serverVersion = "";
const shown: ShownPlan[] = [];

const dayName = (offset: number) =>
  `check_results_${new Date(Math.floor(Date.now() / DAY) * DAY + offset * DAY).toISOString().slice(0, 10).replaceAll("-", "")}`;

/** explainCall runs `call` once to capture the SQL it sends, then EXPLAINs that same SQL. */
async function explainCall(
  title: string,
  call: (db: Queryable) => Promise<unknown>,
): Promise<ShownPlan> {
  const { sql, values } = await firstStatementOf(client, call).catch((error: Error) => {
    throw new Error(`${title}: ${error.message}`);
  });
  // Same protocol as the real call (unnamed prepared statement with parameters), so the
  // planner sees the same values and prunes the same way.
  const json = await client.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(
    `EXPLAIN (FORMAT JSON) ${sql}`,
    values,
  );
  const text = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, values);
  const plan = json.rows[0]?.["QUERY PLAN"][0]?.Plan;
  if (!plan) throw new Error(`${title}: no plan`);
  const result = {
    title,
    sql,
    values,
    plan,
    text: text.rows.map((r) => r["QUERY PLAN"]).join("\n"),
  };
  shown.push(result);
  return result;
}

beforeAll(async () => {
  db = await createTestDatabase();
  for (let day = -9; day <= -2; day++) await createDayPartition(db.pool, day);
  const orgIds: string[] = [];
  for (let i = 0; i < ORGS; i += 50) {
    const orgs = await Promise.all(
      Array.from({ length: 50 }, (_, j) => createTestOrg(db.pool, `org ${i + j}`)),
    );
    orgIds.push(...orgs.map((org) => org.orgId));
  }
  orgId = orgIds[0] ?? "";
  for (let i = 0; i < MONITORS; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) =>
        insertMonitor(db.pool, orgId, specFixture({ name: `m${i + j}` })),
      ),
    );
  }
  // In time order with the monitors interleaved, as workers write them.
  await db.pool.query(
    `INSERT INTO check_results (monitor_id, checked_at, up, status_code, redirect_ms, dns_ms,
       connect_ms, tls_ms, ttfb_ms, download_ms, total_ms, response_bytes, region,
       tls_cert_expires_at, tls_cert_issuer)
     SELECT m.id, now() - make_interval(secs => g * $1 + m.seq), g % 20 <> 0,
       CASE WHEN g % 20 <> 0 THEN 200 ELSE 503 END, 0, 2, 5, 10, 40 + g % 30, 3, 60 + g % 30,
       1000, 'test', now() + interval '60 days', 'R11'
     FROM generate_series($2::int, 1, -1) g CROSS JOIN monitors m
     ORDER BY g DESC, m.seq`,
    [STEP_SECONDS, RESULTS_PER_MONITOR],
  );
  await db.pool.query(
    `WITH m AS (
       INSERT INTO monitors (org_id, name, url, interval_seconds, timeout_ms, expected_status)
       SELECT ($2::uuid[])[1 + g % cardinality($2::uuid[])], 'bulk ' || g,
         'https://example.com/', 60, 10000, '[{"min":200,"max":399}]'
       FROM generate_series(1, $1::int) g ORDER BY g RETURNING id)
     INSERT INTO monitor_state (monitor_id) SELECT id FROM m`,
    [MORE_MONITORS, orgIds],
  );
  // Every monitor has been checked once: the live stream's replay reads these.
  await db.pool.query(
    `UPDATE monitor_state SET last_checked_at = now(), last_up = true,
       last_result = jsonb_build_object('monitorId', monitor_id, 'up', true)`,
  );
  await db.pool.query("ANALYZE organizations, monitors, monitor_state, check_results");
  const first = await db.pool.query<{ id: string }>(
    "SELECT id FROM monitors ORDER BY seq LIMIT 1 OFFSET 17",
  );
  monitorId = first.rows[0]?.id ?? "";
  client = await db.pool.connect();
  serverVersion =
    (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]
      ?.v ?? "";
}, 60_000);

afterAll(async () => {
  client.release();
  await db.drop();
  if (process.env.PULSAR_WRITE_QUERY_PLANS) {
    await writeQueryPlansDoc(shown, {
      serverVersion,
      dataSet: `${MONITORS} monitors × ${RESULTS_PER_MONITOR} results spread over 9 daily partitions and interleaved in time order as workers write them, plus ${MORE_MONITORS} monitors without results spread round-robin over ${ORGS} organizations (the first of which also owns the ${MONITORS} with results: ${OWN_MONITORS} monitors in all)`,
    });
  }
});

describe("query plans", () => {
  it("reads one monitor's results in a window by primary key, from the window's partitions only", async () => {
    const now = Date.now();
    const shownPlan = await explainCall(
      "One monitor's results, last 24 hours (ListCheckResults)",
      (q) =>
        listCheckResults(q, {
          monitorId,
          since: new Date(now - DAY),
          until: new Date(now),
          limit: 100,
        }),
    );
    await expectIndexScansWithin(client, shownPlan, resultScans, [dayName(-1), dayName(0)]);
    // Without until (now() by default), the later partitions go when execution starts.
    const open = await explainCall(
      "One monitor's results since 24 hours ago, no until (ListCheckResults)",
      (q) => listCheckResults(q, { monitorId, since: new Date(now - DAY), limit: 100 }),
    );
    await expectIndexScansWithin(client, open, resultScans, [dayName(-1), dayName(0)]);
    expect(open.text).toContain("Subplans Removed: 3");
  });

  it("computes a 24h and a 7d window's stats by primary key, pruning the other partitions", async () => {
    const now = Date.now();
    const day = await explainCall("Stats, 24 hour window (GetMonitorStats)", (q) =>
      getMonitorStats(q, { monitorId, since: new Date(now - DAY), window: "24h" }),
    );
    await expectIndexScansWithin(client, day, resultScans, [dayName(-1), dayName(0)]);
    const week = await explainCall("Stats, 7 day window (GetMonitorStats)", (q) =>
      getMonitorStats(q, { monitorId, since: new Date(now - 7 * DAY), window: "7d" }),
    );
    await expectIndexScansWithin(
      client,
      week,
      resultScans,
      [-7, -6, -5, -4, -3, -2, -1, 0].map(dayName),
    );
    // Older partitions are pruned when planning; those ahead of now() when execution starts.
    for (const day of [-9, -8, 1, 2, 3]) expect(week.text).not.toContain(dayName(day));
    expect(week.text).toContain("Subplans Removed");
  });

  it("computes a 7d window's stats with each region's in one pass by primary key, pruning the other partitions", async () => {
    const window = [-7, -6, -5, -4, -3, -2, -1, 0].map(dayName);
    const week = await explainCall(
      "Stats with each region's, 7 day window (GetMonitorStatsWithRegions)",
      (q) =>
        getMonitorStatsWithRegions(q, {
          monitorId,
          regions: ["test", "other"],
          since: new Date(Date.now() - 7 * DAY),
          window: "7d",
        }),
    );
    await expectIndexScansWithin(client, week, resultScans, window);
    for (const day of [-9, -8, 1, 2, 3]) expect(week.text).not.toContain(dayName(day));
    // One sort by region feeds both groupings; the certificate's lookup is the other read.
    expect(week.text).toMatch(/Group Key: check_results\.region\n\s+Group Key: \(\)/);
    expect(resultScans(week.plan).length).toBeLessThanOrEqual(2 * window.length);
  });

  it("reads one monitor of the organization by primary key, without check_results", async () => {
    const shownPlan = await explainCall("One monitor (GetMonitor)", (q) =>
      getMonitor(q, orgId, monitorId),
    );
    expect(resultScans(shownPlan.plan)).toEqual([]);
    expect(shownPlan.text).toMatch(/Index Scan using monitors_pkey on monitors/);
    // The organization is checked on the row found by id, not looked up through another index.
    expect(shownPlan.text).toMatch(/Filter: \(org_id = /);
    expect(shownPlan.text).toMatch(/Index Scan using monitor_state_pkey on monitor_state/);
  });

  it("reads one monitor with its regions' latest results by primary key, without check_results", async () => {
    const shownPlan = await explainCall(
      "One monitor with each region's latest result (GetMonitorWithRegionResults)",
      (q) => getMonitorWithRegionResults(q, orgId, monitorId),
    );
    expect(resultScans(shownPlan.plan)).toEqual([]);
    expect(shownPlan.text).toMatch(/Index Scan using monitors_pkey on monitors/);
    expect(shownPlan.text).toMatch(/Index Scan using monitor_state_pkey on monitor_state/);
    // A monitor of one region reads no monitor_region_state row.
    expect(shownPlan.text).toMatch(/One-Time Filter: \(cardinality\(m\.regions\) > 1\)/);
  });

  it("lists a deep page of one organization's monitors by (org_id, seq), without sorting or check_results", async () => {
    const skipped = await listMonitorsPage(db.pool, orgId, { limit: OWN_MONITORS / 2 });
    expect(skipped.monitors).toHaveLength(OWN_MONITORS / 2);
    const shownPlan = await explainCall(
      `Monitor list, a page deep into one organization's ${OWN_MONITORS.toLocaleString("en")} of ${(MONITORS + MORE_MONITORS).toLocaleString("en")} monitors (ListMonitorsPage)`,
      (q) => listMonitorsPage(q, orgId, { afterSeq: skipped.lastSeq, limit: 100 }),
    );
    expect(resultScans(shownPlan.plan)).toEqual([]);
    expect(shownPlan.text).toMatch(/Index Scan using monitors_org_seq on monitors/);
    expect(shownPlan.text).toMatch(/Index Cond: \(\(org_id = .+\) AND \(seq > /);
    // The index yields the organization's monitors in seq order: the LIMIT needs no sort.
    expect(shownPlan.text).not.toMatch(/Sort/);
    expect(shownPlan.text).toMatch(/Index Scan using monitor_state_pkey on monitor_state/);
  });

  it("replays a page of one organization's last results by (org_id, seq) and monitor_state's key, not by scanning every tenant's state", async () => {
    const skipped = await listLastResultsPage(db.pool, orgId, { limit: OWN_MONITORS / 2 });
    expect(skipped.results).toHaveLength(OWN_MONITORS / 2);
    const shownPlan = await explainCall(
      "Last results for the live stream's monitors replay, a page deep into one organization (ListLastResultsPage)",
      (q) => listLastResultsPage(q, orgId, { afterSeq: skipped.lastSeq, limit: 100 }),
    );
    expect(shownPlan.text).toMatch(/Index Scan using monitors_org_seq on monitors/);
    expect(shownPlan.text).not.toMatch(/Sort/);
    expect(shownPlan.text).toMatch(/Index Scan using monitor_state_pkey on monitor_state/);
    expect(shownPlan.text).not.toMatch(/Seq Scan on monitor_state/);
  });
});
