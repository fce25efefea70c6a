// How fast a public status page answers with 100 monitors and 90 days of results: seeds an
// organization with N monitors (each with monitor_state and 90 × 24 hourly rollups), a page
// showing them in 5 groups with response times, an open incident and a maintenance window, and
// serves the real API (createApi, real Postgres) on a port. Measures, over HTTP on loopback,
// time to first byte (response headers) and to the whole body of /status/<slug>:
// - cold: a fresh API each time (its page cache empty: six queries and a render);
// - cached: the same API again and again (the render is reused until its 10 s TTL).
// Prints p50 / p99 / max for each, with and without gzip, and the body sizes.
//
//   npx tsx bench/status-page.ts --monitors 100 --cold 30 --cached 500

import { request } from "node:http";
import { parseArgs } from "node:util";
import { createTestOrg } from "../test/support/accounts.js";
import {
  insertMaintenance,
  insertRollups,
  insertStatusIncident,
  insertStatusPage,
} from "../test/support/status-page-fixtures.js";
import { startTestApi } from "../test/support/test-api.js";

const { values: args } = parseArgs({
  options: {
    monitors: { type: "string", default: "100" },
    cold: { type: "string", default: "30" },
    cached: { type: "string", default: "500" },
  },
});
const monitors = Number(args.monitors);
const coldRuns = Number(args.cold);
const cachedRuns = Number(args.cached);

interface Timing {
  firstByteMs: number;
  wholeMs: number;
  bytes: number;
  status: number;
}

/** timeGet fetches path once: ms to the response headers and to the body's end. */
function timeGet(base: string, path: string, gzip: boolean): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(
      new URL(path, base),
      { headers: gzip ? { "accept-encoding": "gzip" } : {}, agent: false },
      (res) => {
        const firstByteMs = performance.now() - start;
        let bytes = 0;
        res.on("data", (c: Buffer) => (bytes += c.length));
        res.on("end", () =>
          resolve({
            firstByteMs,
            wholeMs: performance.now() - start,
            bytes,
            status: res.statusCode ?? 0,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

function report(label: string, timings: Timing[]): void {
  const f = (v: number) => v.toFixed(1).padStart(7);
  const first = timings.map((t) => t.firstByteMs);
  const whole = timings.map((t) => t.wholeMs);
  console.log(
    `${label.padEnd(24)} n=${String(timings.length).padStart(4)}  first byte p50 ${f(percentile(first, 50))} p99 ${f(percentile(first, 99))} max ${f(Math.max(...first))} ms   whole p50 ${f(percentile(whole, 50))} p99 ${f(percentile(whole, 99))} max ${f(Math.max(...whole))} ms   ${timings[0]?.bytes ?? 0} bytes`,
  );
}

async function main() {
  const api = await startTestApi("bench-status-page");
  try {
    const db = api.db.pool;
    const org = await createTestOrg(db, "Bench");
    const seeded = performance.now();
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO monitors (org_id, name, url, interval_seconds, timeout_ms, expected_status)
       SELECT $1, 'monitor-' || lpad(i::text, 3, '0'), 'https://example.com/' || i, 60, 10000,
         '[{"min":200,"max":399}]'
       FROM generate_series(1, $2) AS i ORDER BY i RETURNING id`,
      [org.orgId, monitors],
    );
    const ids = rows.map((r) => r.id);
    await db.query(
      `INSERT INTO monitor_state (monitor_id, last_checked_at, last_up)
       SELECT id, now(), (random() > 0.05) FROM unnest($1::uuid[]) AS id
       ON CONFLICT (monitor_id) DO UPDATE SET last_checked_at = now(), last_up = EXCLUDED.last_up`,
      [ids],
    );
    await insertRollups(db, ids, { days: 90, checks: 60, failEvery: 37, totalMs: 140 });
    const groups = Array.from({ length: 5 }, (_, g) => ({
      name: `Group ${g + 1}`,
      monitors: ids
        .filter((_, i) => i % 5 === g)
        .map((monitorId, i) => ({ monitorId, displayName: `Service ${g + 1}.${i + 1}` })),
    }));
    const pageId = await insertStatusPage(db, {
      orgId: org.orgId,
      slug: "bench",
      title: "Bench status",
      showResponseTimes: true,
      groups,
    });
    await insertStatusIncident(db, pageId, {
      title: "Elevated errors",
      impact: "partial_outage",
      monitorIds: ids.slice(0, 3),
      updates: [
        { status: "investigating", message: "Looking into it." },
        { status: "identified", message: "Found it." },
      ],
    });
    await insertMaintenance(db, org.orgId, {
      title: "Upgrade",
      statusPageIds: [pageId],
      startsAt: new Date(Date.now() + 86_400_000),
      endsAt: new Date(Date.now() + 90_000_000),
    });
    await db.query("ANALYZE");
    const rollups = await db.query<{ n: string }>("SELECT count(*) AS n FROM check_rollups_hourly");
    console.log(
      `seeded ${monitors} monitors, ${rollups.rows[0]?.n} hourly rollups in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    );

    for (const gzip of [false, true]) {
      const cold: Timing[] = [];
      for (let i = 0; i < coldRuns; i++) {
        // A fresh API: its page cache is empty, so this request reads and renders the page.
        const base = await api.serve();
        cold.push(await timeGet(base, "/status/bench", gzip));
      }
      report(`cold${gzip ? " (gzip)" : ""}`, cold);
      const base = await api.serve();
      await timeGet(base, "/status/bench", gzip);
      const cached: Timing[] = [];
      for (let i = 0; i < cachedRuns; i++) cached.push(await timeGet(base, "/status/bench", gzip));
      report(`cached${gzip ? " (gzip)" : ""}`, cached);
      if (![...cold, ...cached].every((t) => t.status === 200)) throw new Error("a request failed");
    }
    // A burst of strangers on a cold page: 50 at once, one render.
    const base = await api.serve();
    const burst = await Promise.all(
      Array.from({ length: 50 }, () => timeGet(base, "/status/bench", true)),
    );
    report("cold burst of 50 (gzip)", burst);
    const summary = await timeGet(base, "/status/bench/summary.json", false);
    const feed = await timeGet(base, "/status/bench/feed.atom", false);
    console.log(`summary.json ${summary.bytes} bytes, feed.atom ${feed.bytes} bytes`);
  } finally {
    await api.close();
  }
}

await main();
