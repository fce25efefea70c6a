// What storing a batch of check results costs by its size: the worker's transaction
// (storeCheckResults: the insert with the hourly rollups, the status rows locked, read and
// saved) run back to back on one connection, with batches of each --sizes (taking turns), over --monitors
// monitors in a fresh schema of the test Postgres (analyzed, as autovacuum leaves a live one).
// Prints, per size, the Postgres backend's CPU and this process's per result, and fits
// cost = perResult + perBatch / size over the sizes: the part of a batch that does not grow
// with it, which a longer batch window divides among more results. Postgres must run on this
// machine (its backend's CPU is read from /proc).
//
//   npx tsx bench/store-batches.ts --monitors 3900 --sizes 8,16,32,64,128 --seconds 15

import { parseArgs } from "node:util";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type CheckResult, CheckResultSchema } from "../gen/pulsar/v1/check_pb.js";
import { storeCheckResults } from "../internal/checks/results/store-check-results.js";
import { createTestOrg } from "../test/support/accounts.js";
import { createTestDatabase } from "../test/support/postgres.js";
import { processCpuMs } from "./checks/proc-stats.js";

const { values: args } = parseArgs({
  options: {
    monitors: { type: "string", default: "3900" },
    sizes: { type: "string", default: "8,16,32,64,128" },
    seconds: { type: "string", default: "15" },
  },
});
const monitorCount = Number(args.monitors);
const sizes = args.sizes.split(",").map(Number);
const seconds = Number(args.seconds);
if (sizes.some((size) => !(size >= 1 && size <= monitorCount))) {
  throw new Error(`--sizes must lie between 1 and --monitors (${monitorCount})`);
}

const db = await createTestDatabase();
try {
  const { orgId } = await createTestOrg(db.pool, "Store batches");
  const { rows } = await db.pool.query<{ id: string }>(
    `WITH m AS (
       INSERT INTO monitors (org_id, name, url, interval_seconds, timeout_ms, expected_status)
       SELECT $1, 'm' || g, 'http://127.0.0.1/', 20, 5000, '[200]'::jsonb
       FROM generate_series(1, $2::integer) g RETURNING id)
     INSERT INTO monitor_state (monitor_id) SELECT id FROM m RETURNING monitor_id AS id`,
    [orgId, monitorCount],
  );
  const ids = rows.map((row) => row.id);
  await db.pool.query("ANALYZE");

  // One connection, so that one backend does all the work and its /proc tells its CPU.
  const client = await db.pool.connect();
  const pool = { connect: async () => client };
  const release = client.release.bind(client);
  client.release = () => {};
  const { rows: pidRows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  const backend = pidRows[0]?.pid ?? 0;

  let next = 0;
  let clockMs = Date.now();
  /** batchOf makes the next `size` monitors' results, each a millisecond after the last. */
  const batchOf = (size: number): CheckResult[] =>
    Array.from({ length: size }, () => {
      clockMs += 1;
      const monitorId = ids[next++ % ids.length] ?? "";
      return create(CheckResultSchema, {
        monitorId,
        checkedAt: timestampFromMs(clockMs),
        scheduledAt: timestampFromMs(clockMs),
        up: true,
        statusCode: 200,
        timing: { dnsMs: 0.1, connectMs: 0.3, ttfbMs: 50, downloadMs: 0.2, totalMs: 51 },
        responseBytes: 1234n,
        region: "local",
        remoteAddress: "127.0.0.1:8080",
      });
    });

  // Warm-up: the statements prepared and this process's code optimized.
  for (let i = 0; i < 200; i++) await storeCheckResults(pool, batchOf(32));

  // The sizes take turns, a slice of --seconds at a time, so that the machine's drift over
  // the run (other tenants of a VM) falls on every size alike.
  const ROUNDS = 5;
  const totals = sizes.map((size) => ({ size, batches: 0, ms: 0, postgresMs: 0, nodeMs: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const total of totals) {
      const pgBefore = processCpuMs(backend);
      const nodeBefore = process.cpuUsage();
      const started = performance.now();
      while (performance.now() - started < (seconds * 1000) / ROUNDS) {
        await storeCheckResults(pool, batchOf(total.size));
        total.batches++;
      }
      const nodeCpu = process.cpuUsage(nodeBefore);
      total.ms += performance.now() - started;
      total.postgresMs += processCpuMs(backend) - pgBefore;
      total.nodeMs += (nodeCpu.user + nodeCpu.system) / 1000;
    }
  }
  console.log("size  batches  results/s  Postgres ms/result  node ms/result");
  const points = totals.map((total) => {
    const results = total.batches * total.size;
    const point = {
      size: total.size,
      postgres: total.postgresMs / results,
      node: total.nodeMs / results,
    };
    console.log(
      `${String(total.size).padStart(4)}  ${String(total.batches).padStart(7)}  ${((results * 1000) / total.ms).toFixed(0).padStart(9)}  ${point.postgres.toFixed(4).padStart(18)}  ${point.node.toFixed(4).padStart(14)}`,
    );
    return point;
  });
  for (const side of ["postgres", "node"] as const) {
    const { perResult, perBatch } = fitLine(points.map((p) => [1 / p.size, p[side]]));
    console.log(`${side}: ${perResult.toFixed(4)} ms a result + ${perBatch.toFixed(3)} ms a batch`);
  }
  release();
} finally {
  await db.drop();
}

/** fitLine is the least-squares line y = perResult + perBatch·x through (x, y) = (1/size, cost). */
function fitLine(xy: [number, number][]): { perResult: number; perBatch: number } {
  const n = xy.length;
  const mx = xy.reduce((s, [x]) => s + x, 0) / n;
  const my = xy.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = xy.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = xy.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const perBatch = sxx === 0 ? 0 : sxy / sxx;
  return { perResult: my - perBatch * mx, perBatch };
}
