// Shows that the statements run for every batch of results, for every ping, and every second by
// each worker's heartbeat sweep, reach monitors through an index even where Postgres has no statistics (a
// table never analyzed, as here with autovacuum off, or in the first minute of a new
// installation): as joins, they hashed every monitor each time (bench/README.md, bench/stack).
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckResultSchema } from "../../gen/pulsar/v1/check_pb.js";
import { createTestOrg } from "../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { firstStatementOf, type PlanNode } from "../../test/support/query-plans-doc.js";
import { lockDueHeartbeats } from "../checks/heartbeat/heartbeat-state.queries.js";
import { queuePings, takeQueuedPings } from "../checks/heartbeat/ping-inbox.queries.js";
import { insertCheckResults } from "../checks/results/results.js";
import { lockMonitorStates, saveMonitorStates } from "../checks/status/monitor-states.js";
import { connection } from "./connection.js";

const MONITORS = 4_000;

let db: TestDatabase;
let ids: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  const { orgId } = await createTestOrg(db.pool, "Plans");
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO monitors (org_id, name, url, interval_seconds, timeout_ms, expected_status)
     SELECT $1, 'm' || g, 'http://127.0.0.1/', 20, 5000, '[200]'::jsonb
     FROM generate_series(1, $2::integer) g RETURNING id`,
    [orgId, MONITORS],
  );
  ids = rows.map((r) => r.id);
  // No ANALYZE: the planner knows only the tables' sizes.
}, 60_000);
afterAll(() => db.drop());

/** scansOf lists the plan's nodes that read a relation, as "<node type> on <relation>". */
function scansOf(node: PlanNode, out: string[] = []): string[] {
  if (node["Relation Name"]) out.push(`${node["Node Type"]} on ${node["Relation Name"]}`);
  for (const child of node.Plans ?? []) scansOf(child, out);
  return out;
}

/** planOf runs `call` on a client once to capture its first statement, then EXPLAINs it. */
async function planOf(call: (client: pg.PoolClient) => Promise<unknown>): Promise<string[]> {
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    const { sql, values } = await firstStatementOf(client, call);
    const { rows } = await client.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(
      `EXPLAIN (FORMAT JSON) ${sql}`,
      values,
    );
    const plan = rows[0]?.["QUERY PLAN"][0]?.Plan;
    if (!plan) throw new Error("no plan");
    return scansOf(plan);
  } finally {
    await client.query("ROLLBACK");
    client.release();
  }
}

describe("statements run all the time, without statistics", () => {
  it("a batch of results finds its monitors through their primary key", async () => {
    const results = ids.slice(0, 20).map((monitorId, i) =>
      create(CheckResultSchema, {
        monitorId,
        up: true,
        checkedAt: timestampFromMs(Date.now() - i),
      }),
    );
    const scans = await planOf((client) => insertCheckResults(client, results));
    expect(scans.filter((s) => s.endsWith(" on monitors"))).toEqual([
      expect.stringMatching(/^(Index|Index Only|Bitmap Heap) Scan on monitors$/),
    ]);
  });

  it("the heartbeat sweep reads heartbeat monitors alone", async () => {
    const scans = await planOf((client) =>
      lockDueHeartbeats.run({ now: new Date(), limit: 100 }, connection(client)),
    );
    expect(scans).toContain("Index Scan on heartbeat_state");
    expect(scans.filter((s) => s.endsWith(" on monitors"))).not.toContain("Seq Scan on monitors");
  });

  it("queueing a ping reads its monitor alone", async () => {
    const scans = await planOf((client) =>
      queuePings.run(
        {
          monitorIds: ids.slice(0, 2),
          tokens: ["a", "b"],
          kinds: ["success", "fail"],
          arrivedMs: [Date.now(), Date.now()],
          bodies: ["", ""],
          region: "r",
        },
        connection(client),
      ),
    );
    expect(scans).not.toContain("Seq Scan on monitors");
  });

  it("taking queued pings reads the inbox, and their monitors alone", async () => {
    // Every monitor watched as a heartbeat would be, a few with a ping waiting.
    await db.pool.query("INSERT INTO heartbeat_state (monitor_id) SELECT id FROM monitors");
    await db.pool.query(
      `INSERT INTO ping_inbox (monitor_id, kind, arrived_at, body, region)
       SELECT id, 'success', now(), '', 'r' FROM monitors LIMIT 3`,
    );
    const scans = await planOf((client) =>
      takeQueuedPings.run({ monitors: 500 }, connection(client)),
    );
    expect(scans).not.toContain("Seq Scan on monitors");
    expect(scans).not.toContain("Seq Scan on heartbeat_state");
  });
});

describe("a batch's status rows, with statistics", () => {
  // A batch of 40 results is 1 % of the monitors: 195 checks/s over 3,900 monitors batch ~30 at
  // a time. With the default random_page_cost (4, a disk's) Postgres read monitor_state and
  // monitors whole from 32 rows up and hashed them, ten times the work of the index lookups
  // (bench/store-batches.ts); PLAN_OPTIONS price a page read as the cached read it is here.
  let batch: string[];

  beforeAll(async () => {
    await db.pool.query(
      "INSERT INTO monitor_state (monitor_id) SELECT id FROM monitors ON CONFLICT DO NOTHING",
    );
    await db.pool.query("ANALYZE monitors, monitor_state");
    batch = ids.slice(100, 140);
  });

  it("locks and reads them through the primary keys", async () => {
    const scans = await planOf((client) => lockMonitorStates(client, batch));
    expect(scans).toContain("Index Scan on monitors");
    expect(scans.filter((s) => s.startsWith("Seq Scan on monitor"))).toEqual([]);
  });

  it("saves them through the primary key", async () => {
    const column = (value: string) => batch.map(() => value);
    const scans = await planOf((client) =>
      saveMonitorStates(client, {
        monitorIds: batch,
        lastCheckedAts: column(new Date().toISOString()),
        lastUps: batch.map(() => true),
        lastResults: column("{}"),
        alertStatuses: column("up"),
        failures: batch.map(() => 0),
        successes: batch.map(() => 1),
        streakStartedAts: column(""),
        streakErrors: column(""),
        incidentIds: column(""),
        lastReminderAts: column(""),
        tlsAlertedExpiresAts: column(""),
        tlsAlertedDays: column(""),
        regionMonitorIds: [],
        regions: [],
        regionCheckedAts: [],
        regionUps: [],
        regionResults: [],
      }),
    );
    expect(scans.filter((s) => s.endsWith("Scan on monitor_state"))).toEqual([
      expect.stringMatching(/^(Index|Bitmap Heap) Scan on monitor_state$/),
    ]);
  });
});
