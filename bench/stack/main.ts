// bench/stack: what one check costs the whole stack — the API, the worker, Postgres and Redis —
// in CPU, Redis commands and Postgres work, with the lateness seen at the target.
//
//   npm run bench:stack -- --monitors 3900 --interval 20 --warmup 30 --duration 60 --target-delay-ms 50 [--workers 1]
//   npm run bench:regions   # = --monitors 3000 --interval 30 --regions a,b,c --probe-regions c
//
// With --regions, every monitor lists those regions: one worker per region (REGION=<name>),
// except the --probe-regions, each served by one remote probe (dist/cmd/probe/main.js) through
// the API with a probe token; the report adds the stored lateness per region and the probes'
// CPU and memory.
//
// Runs the built API and worker (dist/, as `npm start` does; `--workers N` runs N workers, whose
// CPU counts together as "worker") against a database of its own,
// `pulsar_bench_stack` (dropped afterwards), and Redis keys under a prefix of its own (deleted
// afterwards), on the local servers or those DATABASE_URL (any database of the server: the
// bench connects there to create its own) and REDIS_URL name. Creates the monitors through the
// API, warms up, measures over a window, prints a JSON summary on stdout and progress on
// stderr. Cleans up on error and on SIGINT.
import { once } from "node:events";
import { parseArgs } from "node:util";
import pg from "pg";
import { insertApiToken } from "../../internal/accounts/accounts.js";
import { newSecret } from "../../internal/auth/secrets.js";
import { rememberRegions } from "../../internal/checks/queue/check-regions.js";
import { createTestOrg } from "../../test/support/accounts.js";
import { openBenchStack } from "../support/bench-stack.js";
import { createMonitors } from "./create-monitors.js";
import { startProbe, startProcess, startPulsar } from "./processes.js";
import { buildReport, storedChecks } from "./report.js";
import { measureWindow } from "./window.js";

const { values: args } = parseArgs({
  options: {
    monitors: { type: "string", default: "3900" },
    interval: { type: "string", default: "20" },
    warmup: { type: "string", default: "30" },
    duration: { type: "string", default: "60" },
    "target-delay-ms": { type: "string", default: "50" },
    workers: { type: "string", default: "1" },
    regions: { type: "string", default: "" },
    "probe-regions": { type: "string", default: "" },
  },
});
const regions = args.regions.split(",").filter(Boolean);
const probeRegions = args["probe-regions"].split(",").filter(Boolean);
const workerRegions = regions.filter((region) => !probeRegions.includes(region));
const params = {
  monitors: Number(args.monitors),
  intervalSeconds: Number(args.interval),
  targetDelayMs: Number(args["target-delay-ms"]),
  warmupSeconds: Number(args.warmup),
  workers: regions.length > 0 ? workerRegions.length : Number(args.workers),
  regions,
  probeRegions,
};
const durationSeconds = Number(args.duration);
const database = "pulsar_bench_stack";
const prefix = "pulsar-bench-stack";
const adminUrl =
  process.env.DATABASE_URL ??
  process.env.BENCH_POSTGRES_URL ??
  "postgres://postgres@127.0.0.1:5432/postgres";

const progress = (line: string) => process.stderr.write(`bench:stack: ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Undo steps, run last first by cleanUp: on success, on error and on SIGINT alike. */
const cleanups: (() => Promise<unknown>)[] = [];
let interrupted = false;

async function cleanUp(): Promise<void> {
  for (let step = cleanups.pop(); step; step = cleanups.pop()) {
    await step().catch((error: unknown) => progress(`cleaning up: ${String(error)}`));
  }
}

process.once("SIGINT", () => {
  interrupted = true;
  progress("interrupted: stopping the stack and dropping its data ...");
  void cleanUp().finally(() => process.exit(130));
});

async function main(): Promise<void> {
  const stack = await openBenchStack({
    database,
    prefix,
    adminUrl,
    redisUrl: process.env.REDIS_URL ?? process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
    redisDb: 0,
    flushRedis: false,
    poolMax: 2,
  });
  cleanups.push(() => stack.close());
  // Like the private Redis of `npm start` (internal/launcher/private-redis.ts); a lower hz
  // starts checks up to 1000/hz ms late on a quiet Redis.
  const redisHz = Number(((await stack.redis.config("GET", "hz")) as string[])[1]);
  if (redisHz < 100) progress(`Redis runs with hz ${redisHz}; npm start's runs with 100`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  cleanups.push(() => admin.end());

  const target = startProcess(
    "target",
    ["--import", "tsx", "bench/stack/target.ts", String(params.targetDelayMs)],
    {},
    "pipe",
  );
  cleanups.push(() => target.stop());
  target.child.stdout?.setEncoding("utf8");
  const [line] = (await Promise.race([
    once(target.child.stdout as NodeJS.ReadableStream, "data"),
    target.died,
  ])) as [string];
  const targetOrigin = `http://localhost:${line.trim().split(" ")[1]}`;

  const org = await createTestOrg(stack.pool, "bench");
  const pulsar = await startPulsar(
    {
      DATABASE_URL: stack.databaseUrl,
      REDIS_URL: stack.redisUrl,
      QUEUE_PREFIX: prefix,
      // One organization owns every monitor: lift its quota and write rate past the bench's.
      PULSAR_ORG_MAX_MONITORS: String(Math.max(10_000, params.monitors)),
      PULSAR_ORG_WRITES_PER_MINUTE: "1000000",
      // The first region is the default one: the API's own immediate checks go there.
      ...(regions.length > 0 && { DEFAULT_REGION: regions[0] }),
    },
    params.workers,
    workerRegions.map((region) => ({ REGION: region })),
  );
  cleanups.push(() =>
    Promise.all([...pulsar.workers.map((worker) => worker.stop()), pulsar.api.stop()]),
  );
  await pulsar.ready;
  const probes = [];
  for (const region of probeRegions) {
    // A probe token straight into the database: CreateProbeToken takes a system admin's
    // session, which is not what this bench measures. The region is then known to the API as
    // CreateProbeToken would have made it.
    const secret = newSecret("probe");
    await insertApiToken(stack.pool, {
      orgId: org.orgId,
      createdBy: org.userId,
      name: `bench probe ${region}`,
      scope: "probe",
      tokenHash: secret.hash,
      prefix: secret.prefix,
      region,
    });
    await rememberRegions(stack.redis, prefix, [region]);
    const probe = startProbe(`probe-${region}`, pulsar.baseUrl, secret.secret);
    cleanups.push(() => probe.stop());
    probes.push(probe);
  }
  const died = Promise.race([pulsar.died, ...probes.map((probe) => probe.died)]);
  died.catch(() => {});
  progress(
    `api pid ${pulsar.api.pid}, worker pids ${pulsar.workers.map((w) => w.pid).join(" ")}, target ${targetOrigin}`,
  );

  const created = Date.now();
  const monitorIds = await Promise.race([
    createMonitors({
      baseUrl: pulsar.baseUrl,
      token: org.apiToken,
      count: params.monitors,
      intervalSeconds: params.intervalSeconds,
      targetOrigin,
      regions,
      onProgress: (n) => progress(`created ${n} of ${params.monitors} monitors`),
    }),
    died,
  ]);
  progress(
    `created ${params.monitors} monitors in ${((Date.now() - created) / 1000).toFixed(1)} s; warming up ${params.warmupSeconds} s ...`,
  );
  await Promise.race([sleep(params.warmupSeconds * 1000), died]);

  progress(`measuring over ${durationSeconds} s ...`);
  const measure = await measureWindow(
    {
      workerPids: pulsar.workers.map((worker) => worker.pid),
      apiPid: pulsar.api.pid,
      probePids: probes.map((probe) => probe.pid),
      admin,
      database,
      redis: stack.redis,
      targetOrigin,
      died,
      progress,
    },
    durationSeconds,
  );
  const stored = await storedChecks(stack.pool, measure.t0, measure.t1);
  // The API and the workers run on this Node (process.execPath): run the bench with the image's
  // Node 24 (.ci/node24/package/bin/node --import tsx bench/stack/main.ts) to measure that.
  const report = {
    ...buildReport(params, measure, stored, monitorIds),
    redisHz,
    node: process.version,
  };
  console.log(JSON.stringify(report, null, 2));
}

try {
  await main();
} catch (error) {
  if (!interrupted) {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  }
} finally {
  if (!interrupted) {
    progress("stopping the stack and dropping its data ...");
    await cleanUp();
  }
}
// Keep-alive sockets of the API client would hold the process open for a while: done is done.
// (Interrupted, the SIGINT handler exits once its clean-up is over.)
if (!interrupted) process.exit();
