// Support for query-plans.test.ts: reading EXPLAIN (FORMAT JSON) trees and writing
// docs/query-plans.md. Not imported by production code.
import { mkdir, writeFile } from "node:fs/promises";
import type pg from "pg";
import { expect, vi } from "vitest";
import type { Queryable } from "../../internal/db/pool.js";

/** PlanNode is the part of an EXPLAIN (FORMAT JSON) node the test looks at. */
export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Subplans Removed"?: number;
  Plans?: PlanNode[];
}

/** ShownPlan is one explained query: its SQL and parameters, and its plan as JSON and text. */
export interface ShownPlan {
  title: string;
  sql: string;
  values: unknown[];
  plan: PlanNode;
  text: string;
}

/** Statement is one statement as a call sent it: its SQL and parameters. */
export interface Statement {
  sql: string;
  values: unknown[];
}

/**
 * firstStatementOf runs `call` on `client` once and returns the first statement it sent, to be
 * EXPLAINed with the same parameters (the planner then sees the same values, prunes the same
 * partitions).
 */
export async function firstStatementOf(
  client: pg.PoolClient,
  call: (client: pg.PoolClient) => Promise<unknown>,
): Promise<Statement> {
  const spy = vi.spyOn(client, "query");
  let captured: unknown[] = [];
  try {
    await call(client);
    captured = [...(spy.mock.calls[0] ?? [])];
  } finally {
    spy.mockRestore();
  }
  // A prepared statement (preparedConnection) comes as one config object: {name, text, values}.
  const [first, second] = captured;
  const config = typeof first === "object" && first !== null ? (first as pg.QueryConfig) : null;
  const sql = config ? config.text : first;
  const values = config ? config.values : second;
  if (typeof sql !== "string" || !Array.isArray(values)) throw new Error("no statement captured");
  return { sql, values };
}

/** resultScans lists the nodes of a plan that read a check_results table or partition. */
export function resultScans(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  if (node["Relation Name"]?.startsWith("check_results")) out.push(node);
  for (const child of node.Plans ?? []) resultScans(child, out);
  return out;
}

const INDEX_SCANS = ["Index Scan", "Index Only Scan", "Bitmap Heap Scan"];

/** SMALL_PARTITION_BYTES: a partition this small is read whole faster than through an index. */
const SMALL_PARTITION_BYTES = 4 * 8192;

/**
 * expectIndexScansWithin asserts that every scan of a partitioned table in `shown` (the nodes
 * `scans` picks) reads one of the `allowed` partitions through an index. A Seq Scan passes
 * only on a partition of a few pages at most, which the planner rightly reads whole: today's
 * partition in the first minutes after midnight UTC, before the fixture's rows fill it.
 */
export async function expectIndexScansWithin(
  db: Queryable,
  shown: { plan: PlanNode; text: string },
  scans: (plan: PlanNode) => PlanNode[],
  allowed: string[],
): Promise<void> {
  const found = scans(shown.plan);
  expect(found.length).toBeGreaterThan(0);
  for (const node of found) {
    const relation = node["Relation Name"] ?? "";
    expect(allowed, shown.text).toContain(relation);
    if (INDEX_SCANS.includes(node["Node Type"])) continue;
    expect(node["Node Type"], shown.text).toBe("Seq Scan");
    const { rows } = await db.query<{ bytes: string }>(
      "SELECT pg_relation_size($1::regclass) AS bytes",
      [relation],
    );
    expect(
      Number(rows[0]?.bytes),
      `${relation} is read by Seq Scan but is not small:\n${shown.text}`,
    ).toBeLessThanOrEqual(SMALL_PARTITION_BYTES);
  }
}

/** writeQueryPlansDoc writes docs/query-plans.md from the plans a test run saw. */
export async function writeQueryPlansDoc(
  shown: readonly ShownPlan[],
  facts: { serverVersion: string; dataSet: string },
): Promise<void> {
  const sections = shown.map(
    (s) =>
      `## ${s.title}\n\nParameters: \`${JSON.stringify(s.values)}\`\n\n\`\`\`text\n${s.text}\n\`\`\`\n`,
  );
  const doc = `# Query plans

Real \`EXPLAIN\` output of the read paths, captured by \`internal/db/query-plans.test.ts\`
(\`PULSAR_WRITE_QUERY_PLANS=1 npx vitest run internal/db/query-plans.test.ts\`) on Postgres
${facts.serverVersion}, with ${facts.dataSet}; after ANALYZE, with no planner switches (the pools set
random_page_cost 1.1: internal/db/pool.ts). The
test asserts what is described here: only Index, Index Only or Bitmap Heap/Index Scans on
check_results partitions (a Seq Scan only of a partition of at most four pages, as today's
just after midnight UTC), only the partitions of the window, and for the monitor reads the
indexes named below. Partition names, ids and times are those of the run that wrote this file.

Why these plans: the primary key of check_results, (monitor_id, checked_at), exists on every
partition and serves all the result reads: the monitor is its leading column and the window
is a range on the second, which is also the partition key. Partitions before the window are
pruned when planning (the bound is a parameter value); those after \`now()\` when execution
starts ("Subplans Removed"). Neither monitor read touches check_results: each monitor's latest
result is kept in monitor_state (one row per monitor, updated with every batch of results),
read through its primary key. One monitor is found by the primary key of monitors, and its
organization checked on that row. The list page is a keyset range on the index
monitors_org_seq (org_id, seq): only the caller's organization's monitors, already in seq
order (no sort), the same cost at any depth.

${sections.join("\n")}`;
  const docs = new URL("../../docs/", import.meta.url);
  await mkdir(docs, { recursive: true });
  await writeFile(new URL("query-plans.md", docs), doc);
}
