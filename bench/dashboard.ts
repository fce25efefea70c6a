// How fast the dashboard opens with many monitors: seeds an organization with N monitors (each
// with a last result and 24 hourly rollups), runs the built API (`dist/cmd/api/main.js`, the
// dashboard included) and opens the overview in Debian's Chromium, signed in, several times
// with a cold browser cache. Prints, per run: time to the first monitor row, and time until
// every monitor is loaded (the "All" filter shows N).
//
//   npm run build && npx tsx bench/dashboard.ts --monitors 10000 --runs 3

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { insertOrganization, insertUser } from "../internal/accounts/accounts.js";
import { hashPassword } from "../internal/auth/password.js";
import { createPool } from "../internal/db/pool.js";
import { applySchema } from "../internal/db/schema.js";
import { freePort } from "../internal/launcher/free-port.js";
import { launchChromium } from "../test/support/chromium.js";

const { values: args } = parseArgs({
  options: {
    monitors: { type: "string", default: "10000" },
    runs: { type: "string", default: "3" },
  },
});
const count = Number(args.monitors);
const runs = Number(args.runs);
const root = fileURLToPath(new URL("../", import.meta.url));
const adminUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const database = "pulsar_bench_dashboard";
const email = "bench@example.test";
const password = "bench password 1";

async function seed(pool: pg.Pool): Promise<void> {
  const org = await insertOrganization(pool, "Bench");
  await insertUser(pool, {
    org,
    email,
    name: "Bench",
    role: "admin",
    passwordHash: await hashPassword(password),
  });
  // One statement per table: generate_series keeps seeding to seconds, not minutes.
  await pool.query(
    `INSERT INTO monitors (org_id, name, url, interval_seconds, timeout_ms, expected_status)
     SELECT $1, 'monitor-' || lpad(i::text, 5, '0'), 'https://example.com/' || i, 60, 10000,
       '[{"min":200,"max":399}]'
     FROM generate_series(1, $2) AS i`,
    [org.id, count],
  );
  await pool.query(
    `INSERT INTO monitor_state (monitor_id, last_checked_at, last_up, last_result)
     SELECT id, now() - interval '20 seconds', seq % 50 <> 0,
       jsonb_build_object('monitorId', id, 'checkedAt', to_char((now() - interval '20 seconds')
         AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'up', seq % 50 <> 0,
         'statusCode', CASE WHEN seq % 50 <> 0 THEN 200 ELSE 503 END,
         'timing', jsonb_build_object('dnsMs', 2, 'connectMs', 10, 'tlsMs', 30, 'ttfbMs', 80,
           'downloadMs', 3, 'totalMs', 125))
     FROM monitors`,
  );
  await pool.query(
    `INSERT INTO check_rollups_hourly (monitor_id, hour, checks, failures, responses, total_ms_sum)
     SELECT m.id, date_bin('1 hour', now(), '2000-01-01 00:00:00+00') - h * interval '1 hour',
       60, CASE WHEN (m.seq + h) % 7 = 0 AND h < 3 THEN 1 ELSE 0 END, 60, 60 * (100 + (m.seq * 7 + h * 13) % 80)
     FROM monitors m, generate_series(0, 23) AS h`,
  );
}

async function startApi(databaseUrl: string, port: number): Promise<ChildProcess> {
  const api = spawn(process.execPath, ["dist/cmd/api/main.js"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      QUEUE_PREFIX: "bench-dashboard",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return api;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the API did not become ready");
}

async function main() {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${database}`;
  const pool = createPool({ connectionString: databaseUrl.toString() });
  await applySchema(pool, 90);
  const seedStart = performance.now();
  await seed(pool);
  console.log(`seeded ${count} monitors in ${Math.round(performance.now() - seedStart)} ms`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = await startApi(databaseUrl.toString(), port);
  const browser = await launchChromium();
  try {
    const signIn = await fetch(`${base}/pulsar.v1.AuthService/SignIn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    const cookie = signIn.headers.get("set-cookie")?.split(";")[0]?.split("=") ?? [];
    // The API alone: every monitor, a page of 1,000 at a time, as the overview asks for them.
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      let pageToken = "";
      let pages = 0;
      let bytes = 0;
      do {
        const res = await fetch(`${base}/pulsar.v1.MonitorService/ListMonitors`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie: cookie.join("=") },
          body: JSON.stringify({ pageSize: 1000, pageToken }),
        });
        const text = await res.text();
        bytes += text.length;
        pageToken = (JSON.parse(text) as { nextPageToken?: string }).nextPageToken ?? "";
        pages++;
      } while (pageToken);
      const ms = Math.round(performance.now() - started);
      console.log(
        `ListMonitors, all ${pages} pages: ${ms} ms, ${(bytes / 1e6).toFixed(1)} MB of JSON`,
      );
    }
    const results = [];
    for (let run = 0; run < runs; run++) {
      // A new context each run: a cold cache, as a first visit.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies([
        { name: cookie[0] ?? "", value: cookie.slice(1).join("="), url: base },
      ]);
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(`${base}/`);
      await page.getByRole("link", { name: "monitor-00001" }).waitFor({ timeout: 30_000 });
      const firstRowMs = performance.now() - start;
      await page
        .getByRole("button", { name: new RegExp(`^All\\s*${count}$`) })
        .waitFor({ timeout: 60_000 });
      const allLoadedMs = performance.now() - start;
      results.push({
        run: run + 1,
        monitors: count,
        firstRowMs: Math.round(firstRowMs),
        allLoadedMs: Math.round(allLoadedMs),
      });
      await context.close();
    }
    console.table(results);
  } finally {
    await browser.close();
    api.kill("SIGTERM");
    await once(api, "exit");
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
