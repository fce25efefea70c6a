// Shows that GetHostHistory reads host_samples through the primary key of each partition of the
// window and prunes the others, with the planner left alone, on a data set where one host is a
// small share of each partition (as with many hosts). Companion of query-plans.test.ts.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../../test/support/accounts.js";
import { DAY } from "../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import {
  expectIndexScansWithin,
  firstStatementOf,
  type PlanNode,
} from "../../test/support/query-plans-doc.js";
import { getHostHistory } from "../hosts/server/host-history-db.js";

const HOSTS = 40;
// One sample per host every 2 minutes over 9 days: 720 a day per host, 28,800 per partition.
const STEP_SECONDS = 120;
const DAYS = 9;

let db: TestDatabase;
let client: pg.PoolClient;
let orgId: string;

const dayName = (offset: number) =>
  `host_samples_${new Date(Math.floor(Date.now() / DAY) * DAY + offset * DAY).toISOString().slice(0, 10).replaceAll("-", "")}`;

function sampleScans(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  if (node["Relation Name"]?.startsWith("host_samples")) out.push(node);
  for (const child of node.Plans ?? []) sampleScans(child, out);
  return out;
}

/** explainHistory captures the SQL getHostHistory sends and EXPLAINs it with its parameters. */
async function explainHistory(sinceMs: number): Promise<{ plan: PlanNode; text: string }> {
  const { sql, values } = await firstStatementOf(client, (db) =>
    getHostHistory(
      db,
      { orgId, includeShared: true },
      { hostId: "host-17", since: new Date(sinceMs), until: new Date(), stepSeconds: 300 },
    ),
  );
  const json = await client.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(
    `EXPLAIN (FORMAT JSON) ${sql}`,
    values,
  );
  const text = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, values);
  const plan = json.rows[0]?.["QUERY PLAN"][0]?.Plan;
  if (!plan) throw new Error("no plan");
  return { plan, text: text.rows.map((r) => r["QUERY PLAN"]).join("\n") };
}

beforeAll(async () => {
  db = await createTestDatabase();
  for (let day = -DAYS; day <= -2; day++) {
    const start = new Date(Math.floor(Date.now() / DAY) * DAY + day * DAY);
    await db.pool.query(
      `CREATE TABLE IF NOT EXISTS ${dayName(day)} PARTITION OF host_samples
       FOR VALUES FROM ('${start.toISOString()}') TO ('${new Date(start.getTime() + DAY).toISOString()}')`,
    );
  }
  // In time order with the hosts interleaved, as workers write them.
  await db.pool.query(
    `INSERT INTO host_samples (host_id, sampled_at, cpu_percent, per_core_percent, load1, load5,
       load15, memory_used_bytes, memory_total_bytes, swap_used_bytes, disk_used_percent,
       rx_bytes_per_sec, tx_bytes_per_sec, processes_total, processes_running,
       processes_blocked, processes_zombie, threads)
     SELECT 'host-' || h, now() - make_interval(secs => g * $1 + h), g % 100, '{1,2}', 0.5, 0.4,
       0.3, 1e9, 8e9, 0, 40, 1000, 500, 100, 1, 0, 0, 300
     FROM generate_series($2::int, 1, -1) g CROSS JOIN generate_series(1, $3::int) h
     ORDER BY g DESC, h`,
    [STEP_SECONDS, Math.floor((DAYS * 86_400) / STEP_SECONDS) - 10, HOSTS],
  );
  // Half the hosts are an organization's, half shared: the scope check reads hosts too.
  orgId = (await createTestOrg(db.pool)).orgId;
  await db.pool.query(
    `INSERT INTO hosts (id, org_id, first_seen, last_seen)
     SELECT 'host-' || h, CASE WHEN h % 2 = 1 THEN $1::uuid END, now(), now()
     FROM generate_series(1, $2::int) h`,
    [orgId, HOSTS],
  );
  await db.pool.query("ANALYZE host_samples");
  await db.pool.query("ANALYZE hosts");
  client = await db.pool.connect();
}, 60_000);

afterAll(async () => {
  client.release();
  await db.drop();
});

describe("host history query plans", () => {
  it("reads one host's last 24 hours by primary key, from the window's partitions only", async () => {
    const shown = await explainHistory(Date.now() - DAY);
    await expectIndexScansWithin(client, shown, sampleScans, [dayName(-1), dayName(0)]);
    for (const day of [-9, -5, -2]) expect(shown.text).not.toContain(dayName(day));
    // The organization check reads hosts once for the whole query, not once per sample.
    expect(shown.text).toMatch(/InitPlan/);
    expect(shown.text).toMatch(/One-Time Filter/);
  });

  it("reads one host's last 7 days by primary key, pruning older partitions", async () => {
    const shown = await explainHistory(Date.now() - 7 * DAY);
    await expectIndexScansWithin(
      client,
      shown,
      sampleScans,
      [-7, -6, -5, -4, -3, -2, -1, 0].map(dayName),
    );
    for (const day of [-9, -8, 1, 2, 3]) expect(shown.text).not.toContain(dayName(day));
  });
});
