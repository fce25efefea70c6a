// bench/checks: how many checks per second one worker process (the real cmd/worker, built)
// sustains end to end — scheduled by BullMQ, checked against a local target, stored in
// Postgres — with its CPU per check, scheduling lateness and how evenly starts are spread.
//
//   npm run bench:checks -- --monitors 10000 --interval 10 --duration 30 --scheme http
//
// Needs Postgres and Redis (BENCH_POSTGRES_URL, BENCH_REDIS_URL; defaults: the local servers,
// Redis database 9, which it flushes). Everything runs on 127.0.0.1 and stops by itself.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { insertOrganization } from "../../internal/accounts/accounts.js";
import { openBenchStack, scheduleMonitors } from "../support/bench-stack.js";
import { machineCpu, processCpuMs, processRssMb } from "./proc-stats.js";

const { values: args } = parseArgs({
  options: {
    monitors: { type: "string", default: "10000" },
    interval: { type: "string", default: "10" },
    warmup: { type: "string", default: "15" },
    duration: { type: "string", default: "30" },
    scheme: { type: "string", default: "http" },
    concurrency: { type: "string", default: "100" },
  },
});
const monitors = Number(args.monitors);
const intervalSeconds = Number(args.interval);
const warmupSeconds = Number(args.warmup);
const durationSeconds = Number(args.duration);
const scheme = args.scheme === "https" ? "https" : "http";
const concurrency = Number(args.concurrency);

const root = fileURLToPath(new URL("../../", import.meta.url));
const prefix = "pulsar-bench";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startChild(
  command: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<ChildProcess> {
  const child = spawn(command, argv, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  child.stdout?.setEncoding("utf8");
  return child;
}

async function main() {
  const stack = await openBenchStack({ database: "pulsar_bench", redisDb: 9, prefix, poolMax: 20 });
  const { pool, databaseUrl, redisUrl } = stack;

  const target = await startChild(
    process.execPath,
    ["--import", "tsx", "bench/checks/target.ts"],
    {},
  );
  const [line] = (await once(target.stdout as NodeJS.ReadableStream, "data")) as [string];
  const [, httpPort, httpsPort] = line.trim().split(" ");
  const url =
    scheme === "https" ? `https://localhost:${httpsPort}/` : `http://localhost:${httpPort}/`;

  console.log(`creating ${monitors} monitors at ${intervalSeconds} s against ${url} ...`);
  // One organization owns them all: the worker checks every organization's monitors alike.
  const org = await insertOrganization(pool, "bench");
  await scheduleMonitors(stack, org.id, Array(monitors).fill(url), {
    intervalSeconds,
    timeoutMs: 5000,
  });

  const worker = await startChild(process.execPath, ["dist/cmd/worker/main.js"], {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    CHECK_CONCURRENCY: String(concurrency),
    LOG_LEVEL: "error",
    // The target's certificate is signed by the test CA: trust it the way an operator would
    // trust a private CA, so HTTPS checks verify the chain as they do in production.
    NODE_EXTRA_CA_CERTS: `${root}test/fixtures/tls/ca.crt`,
  });
  const pid = worker.pid ?? 0;
  console.log(`worker pid ${pid}; warming up ${warmupSeconds} s ...`);
  await sleep(warmupSeconds * 1000);

  const t0 = new Date();
  const cpu0 = processCpuMs(pid);
  const machine0 = machineCpu();
  await sleep(durationSeconds * 1000);
  const t1 = new Date();
  const cpu1 = processCpuMs(pid);
  const machine1 = machineCpu();
  const rss = processRssMb(pid);

  const { rows } = await pool.query(
    `SELECT count(*)::int AS checks,
            count(*) FILTER (WHERE NOT up)::int AS failures,
            percentile_cont(ARRAY[0.5, 0.9, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM checked_at - scheduled_at) * 1000) AS lateness,
            percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY total_ms) AS total,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY loop_delay_ms) AS loop_delay_p99,
            min(error) FILTER (WHERE NOT up) AS sample_error
     FROM check_results WHERE checked_at >= $1 AND checked_at < $2`,
    [t0, t1],
  );
  const spread = await pool.query(
    `SELECT floor(((extract(epoch FROM scheduled_at) * 1000)::bigint % ($3::bigint * 1000)) / ($3::bigint * 100))::int AS bucket,
            count(*)::int AS n
     FROM check_results WHERE checked_at >= $1 AND checked_at < $2 GROUP BY 1 ORDER BY 1`,
    [t0, t1, intervalSeconds],
  );

  worker.kill("SIGTERM");
  const stopStart = Date.now();
  await once(worker, "exit");
  const stopMs = Date.now() - stopStart;
  target.kill("SIGTERM");

  const r = rows[0];
  const checks: number = r.checks;
  const elapsed = (t1.getTime() - t0.getTime()) / 1000;
  const machineBusy = 1 - (machine1.idle - machine0.idle) / (machine1.total - machine0.total);
  const buckets: number[] = spread.rows.map((row: { n: number }) => row.n);
  const report = {
    scheme,
    monitors,
    intervalSeconds,
    offered: monitors / intervalSeconds,
    checksPerSecond: Math.round((checks / elapsed) * 10) / 10,
    failures: r.failures,
    sampleError: r.sample_error,
    workerCpuMsPerCheck: Math.round(((cpu1 - cpu0) / checks) * 1000) / 1000,
    workerCpuCores: Math.round(((cpu1 - cpu0) / 1000 / elapsed) * 100) / 100,
    machineBusyPercent: Math.round(machineBusy * 1000) / 10,
    latenessMs: {
      p50: round(r.lateness?.[0]),
      p90: round(r.lateness?.[1]),
      p95: round(r.lateness?.[2]),
      p99: round(r.lateness?.[3]),
    },
    totalMs: { p50: round(r.total?.[0]), p99: round(r.total?.[1]) },
    loopDelayP99Ms: round(r.loop_delay_p99),
    startsPerTenthOfInterval: buckets,
    spreadMaxOverMin: buckets.length ? round(Math.max(...buckets) / Math.min(...buckets)) : null,
    workerRssMb: Math.round(rss),
    workerShutdownMs: stopMs,
  };
  console.log(JSON.stringify(report, null, 2));

  await stack.close();
}

function round(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(value * 100) / 100;
}

await main();
