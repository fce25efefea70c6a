// bench/noisy-neighbour: does one tenant's hanging monitors make another tenant's checks late or
// DOWN? One real worker process (PULSAR_SIGNUP=open: a public instance) runs three groups of
// monitors, all at the same interval and timeout:
//   tenant A: --hang monitors on a local server that accepts and never answers, and --dns-hang
//             on names whose DNS server reads and never answers;
//   tenant B: --healthy monitors on a healthy local target, by `localhost`.
// It prints B's scheduling lateness (checked_at − scheduled_at) and B's DOWN results, A's
// outcomes, and the worker's CPU, measured over --duration after --warmup.
//
//   sudo tsx bench/noisy-neighbour/main.ts [--worker-root DIR] [--label NAME]
//
// --worker-root is the checkout whose built worker (dist/cmd/worker/main.js) runs: this one by
// default; a `git worktree` of an older commit, built with tsc, measures "before". The worker
// runs under `unshare --mount` with /etc/resolv.conf bind-mounted to name the silent DNS server
// (127.0.0.53:53, hence root), so that getaddrinfo hangs as c-ares does; CHECK_DNS_SERVERS names
// the same server for workers that read it. Needs Postgres and Redis (BENCH_POSTGRES_URL,
// BENCH_REDIS_URL; defaults: the local servers, Redis database 10, which it flushes). Everything
// runs on 127.0.0.1 and stops by itself.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { insertOrganization } from "../../internal/accounts/accounts.js";
import { processCpuMs, processRssMb } from "../checks/proc-stats.js";
import { type BenchStack, openBenchStack, scheduleMonitors } from "../support/bench-stack.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { values: args } = parseArgs({
  options: {
    "worker-root": { type: "string", default: root },
    label: { type: "string" },
    warmup: { type: "string", default: "20" },
    duration: { type: "string", default: "30" },
    interval: { type: "string", default: "10" },
    timeout: { type: "string", default: "10000" },
    hang: { type: "string", default: "200" },
    "dns-hang": { type: "string", default: "50" },
    healthy: { type: "string", default: "50" },
    concurrency: { type: "string", default: "100" },
    "dns-host": { type: "string", default: "127.0.0.53" },
    "metrics-port": { type: "string", default: "19465" },
  },
});
const workerRoot = resolve(args["worker-root"]);
const label = args.label ?? basename(workerRoot);
const intervalSeconds = Number(args.interval);
const timeoutMs = Number(args.timeout);
const dnsHost = args["dns-host"];
const metricsPort = Number(args["metrics-port"]);

const prefix = "pulsar-noisy";
const resolvConf = "/tmp/pulsar-noisy-resolv.conf";
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function startTargets(): ChildProcess {
  return spawn(
    process.execPath,
    ["--import", "tsx", "bench/noisy-neighbour/targets.ts", "--dns-host", dnsHost],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
}

/** startWorker runs the built worker of workerRoot with its own /etc/resolv.conf. */
function startWorker({ databaseUrl, redisUrl }: BenchStack): ChildProcess {
  // unshare execs sh, which execs node: the child's pid is the worker's.
  const script = 'mount --bind "$1" /etc/resolv.conf && exec "$2" dist/cmd/worker/main.js';
  return spawn("unshare", ["--mount", "sh", "-c", script, "sh", resolvConf, process.execPath], {
    cwd: workerRoot,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      PULSAR_SIGNUP: "open",
      // The targets are on loopback, which a public instance refuses by default.
      PULSAR_BLOCK_PRIVATE_TARGETS: "false",
      PULSAR_SHARED_HOSTS: "false",
      CHECK_DNS_SERVERS: dnsHost,
      CHECK_CONCURRENCY: args.concurrency,
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: "error",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** scrapeCounter reads one series' value from the worker's /metrics; undefined if absent. */
async function scrapeCounter(series: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(series));
    return line === undefined ? undefined : Number(line.split(" ").pop());
  } catch {
    return undefined;
  }
}

async function main() {
  const stack = await openBenchStack({ database: "pulsar_noisy", redisDb: 10, prefix });
  const { pool } = stack;
  writeFileSync(resolvConf, `nameserver ${dnsHost}\n`);

  const targets = startTargets();
  const [line] = (await once(targets.stdout as NodeJS.ReadableStream, "data")) as [Buffer];
  const [, hangPort, healthyPort] = line.toString().trim().split(" ");

  const orgA = await insertOrganization(pool, "noisy A");
  const orgB = await insertOrganization(pool, "quiet B");
  const count = (name: "hang" | "dns-hang" | "healthy") => Number(args[name]);
  const spec = { intervalSeconds, timeoutMs, name: (i: number) => `noisy ${i}` };
  await scheduleMonitors(
    stack,
    orgA.id,
    Array.from({ length: count("hang") }, (_, i) => `http://127.0.0.1:${hangPort}/a/${i}`),
    spec,
  );
  await scheduleMonitors(
    stack,
    orgA.id,
    Array.from({ length: count("dns-hang") }, (_, i) => `http://n${i}.noisy.test:${hangPort}/`),
    spec,
  );
  await scheduleMonitors(
    stack,
    orgB.id,
    Array.from({ length: count("healthy") }, (_, i) => `http://localhost:${healthyPort}/b/${i}`),
    spec,
  );

  const worker = startWorker(stack);
  const pid = worker.pid ?? 0;
  console.log(`[${label}] worker pid ${pid} (${workerRoot}); warming up ${args.warmup} s ...`);
  await sleep(Number(args.warmup) * 1000);
  const t0 = new Date();
  const cpu0 = processCpuMs(pid);
  await sleep(Number(args.duration) * 1000);
  const t1 = new Date();
  const cpu1 = processCpuMs(pid);
  const rss = processRssMb(pid);
  const deferred = await scrapeCounter('pulsar_deferred_jobs_total{queue="checks"}');
  const dropped = await scrapeCounter('pulsar_checks_total{outcome="dropped"');

  const stats = async (orgId: string) => {
    const { rows } = await pool.query(
      `SELECT count(*)::int AS checks,
              count(*) FILTER (WHERE NOT r.up)::int AS down,
              percentile_cont(ARRAY[0.5, 0.9, 0.99, 1]) WITHIN GROUP
                (ORDER BY extract(epoch FROM r.checked_at - r.scheduled_at) * 1000) AS lateness
       FROM check_results r JOIN monitors m ON m.id = r.monitor_id
       WHERE m.org_id = $1 AND r.checked_at >= $2 AND r.checked_at < $3`,
      [orgId, t0, t1],
    );
    const errors = await pool.query(
      `SELECT regexp_replace(r.error, '[0-9]+', 'N', 'g') AS error, count(*)::int AS n
       FROM check_results r JOIN monitors m ON m.id = r.monitor_id
       WHERE m.org_id = $1 AND r.checked_at >= $2 AND r.checked_at < $3 AND NOT r.up
       GROUP BY 1 ORDER BY 2 DESC LIMIT 5`,
      [orgId, t0, t1],
    );
    const r = rows[0];
    const lateness = (r.lateness ?? []) as number[];
    return {
      checks: r.checks as number,
      down: r.down as number,
      latenessMs: {
        p50: round(lateness[0]),
        p90: round(lateness[1]),
        p99: round(lateness[2]),
        max: round(lateness[3]),
      },
      errors: Object.fromEntries(
        errors.rows.map((e: { error: string; n: number }) => [e.error, e.n]),
      ),
    };
  };
  const elapsed = (t1.getTime() - t0.getTime()) / 1000;
  const report = {
    label,
    monitors: { aHang: count("hang"), aDnsHang: count("dns-hang"), bHealthy: count("healthy") },
    intervalSeconds,
    timeoutMs,
    windowSeconds: elapsed,
    tenantB: await stats(orgB.id),
    tenantA: await stats(orgA.id),
    worker: {
      cores: Math.round(((cpu1 - cpu0) / 1000 / elapsed) * 100) / 100,
      rssMb: Math.round(rss),
      deferredChecks: deferred ?? null,
      droppedChecks: dropped ?? null,
    },
  };
  console.log(JSON.stringify(report, null, 2));

  worker.kill("SIGTERM");
  await once(worker, "exit");
  targets.kill("SIGTERM");
  await once(targets, "exit");
  await stack.close();
}

function round(value: number | undefined): number | null {
  return value === undefined || value === null ? null : Math.round(value);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
