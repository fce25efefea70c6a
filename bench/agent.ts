// bench/agent: what the agent costs the machine it watches — the single-file build
// (`npm run build:agent`), run with plain node as a user would, pushing to a local API at the
// default interval. Prints its resident memory and its CPU as a share of one core, its own and
// that of the commands it runs (the sampler's `df`), read from /proc.
//
//   npx tsx bench/agent.ts [--seconds 60] [--warmup 15] [--interval 2000] [--profile DIR]
//                          [--node PATH] [--node-arg FLAG]
//
// --node runs the agent with another Node binary (e.g. .ci/node24/package/bin/node, the
// image's major version); default: the one running this bench. --node-arg passes a flag to
// it (e.g. --no-opt, which the agent sets for itself only where it can re-execute).
// --profile writes a V8 CPU profile of the agent (node --cpu-prof) into DIR, to see what
// dominates (open it in Chrome DevTools). MALLOC_ARENA_MAX, when set, is passed to the agent
// (glibc: fewer malloc arenas, less resident memory; see bench/README.md).
//
// Needs Postgres and Redis (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/
// postgres; BENCH_REDIS_URL, default redis://127.0.0.1:6379). It creates the database
// pulsar_bench_agent_<pid> and drops it afterwards; its Redis keys carry a prefix of their own and are
// deleted. The API runs in this process, so its CPU is not counted.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import pg from "pg";
import { insertApiToken, insertOrganization } from "../internal/accounts/accounts.js";
import { createApi } from "../internal/api/app.js";
import { newSecret } from "../internal/auth/secrets.js";
import { createLogger } from "../internal/core/logger.js";
import { createPool } from "../internal/db/pool.js";
import { applySchema } from "../internal/db/schema.js";
import { createHostSampleSink } from "../internal/hosts/server/sample-sink.js";
import { createHostSampleStore } from "../internal/hosts/server/sample-store.js";
import { createRedis } from "../internal/redis/redis.js";
import { createStreamPublisher } from "../internal/stream/publisher.js";
import { listenApi } from "../test/support/api-server.js";
import { deleteKeys } from "../test/support/redis-keys.js";
import { processChildrenCpuMs, processCpuMs, processRssMb } from "./checks/proc-stats.js";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    warmup: { type: "string", default: "15" },
    interval: { type: "string", default: "2000" },
    profile: { type: "string" },
    node: { type: "string" },
    "node-arg": { type: "string", multiple: true },
  },
});
const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const intervalMs = Number(args.interval);

const root = fileURLToPath(new URL("../", import.meta.url));
const adminUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const database = `pulsar_bench_agent_${process.pid}`;
const prefix = `pulsar-bench-agent-${process.pid}`;
const hostId = "bench-agent";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = createLogger("bench", "warn");

/** agentNodeVersion is the version of the Node the agent runs on (--node, or this one). */
function agentNodeVersion(): string {
  if (!args.node) return process.version;
  return execFileSync(args.node, ["--version"], { encoding: "utf8" }).trim();
}

/** rssSplit reads a process's anonymous and file-backed resident memory, "anon / file" in MiB. */
function rssSplit(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const mib = (name: string) =>
    (Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024).toFixed(1);
  return `${mib("RssAnon")} / ${mib("RssFile")}`;
}

async function main() {
  await promisify(execFile)(process.execPath, ["scripts/build-bundle.mjs", "agent"], { cwd: root });
  const dir = await mkdtemp(join(tmpdir(), "pulsar-bench-agent-"));
  await copyFile(join(root, "dist/agent/pulsar-agent.mjs"), join(dir, "pulsar-agent.mjs"));

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const pool = createPool({ connectionString: url.toString() });
  await applySchema(pool, 90);
  const org = await insertOrganization(pool, "Bench");
  const secret = newSecret("agent");
  await insertApiToken(pool, {
    orgId: org.id,
    createdBy: undefined,
    name: "bench agent",
    scope: "agent",
    tokenHash: secret.hash,
    prefix: secret.prefix,
  });

  const redis = createRedis(redisUrl, "command", "bench-agent");
  const sampleStore = createHostSampleStore({
    pool,
    log,
    maxDelayMs: 200,
  });
  const api = await listenApi(
    createApi({
      pool,
      redis,
      prefix,
      scheduler: { schedule: async () => {}, unschedule: async () => {} },
      log,
      ingest: {
        sink: createHostSampleSink({
          store: sampleStore,
          publisher: createStreamPublisher(redis, prefix),
          log,
        }),
      },
    }),
  );

  let agent: ChildProcess | undefined;
  try {
    const profile = args.profile ? ["--cpu-prof", `--cpu-prof-dir=${args.profile}`] : [];
    agent = spawn(
      args.node ? resolve(args.node) : process.execPath,
      [...(args["node-arg"] ?? []), ...profile, "pulsar-agent.mjs"],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? "",
          PULSAR_URL: api.baseUrl,
          PULSAR_AGENT_TOKEN: secret.secret,
          SAMPLE_INTERVAL_MS: String(intervalMs),
          AGENT_HOST_ID: hostId,
          LOG_LEVEL: "warn",
          ...(process.env.MALLOC_ARENA_MAX
            ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX }
            : {}),
        },
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
    const pid = agent.pid;
    if (pid === undefined) throw new Error("the agent did not start");
    await sleep(warmupSeconds * 1000);

    const count = async () =>
      (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM host_samples")).rows[0]?.n ??
      0;
    const storedBefore = await count();
    const ownBefore = processCpuMs(pid);
    const childrenBefore = processChildrenCpuMs(pid);
    const rss: number[] = [];
    const splitBefore = rssSplit(pid);
    const started = performance.now();
    for (let i = 0; i < seconds; i++) {
      await sleep(1000);
      rss.push(processRssMb(pid));
    }
    const wallMs = performance.now() - started;
    const splitAfter = rssSplit(pid);
    const ownMs = processCpuMs(pid) - ownBefore;
    const childrenMs = processChildrenCpuMs(pid) - childrenBefore;
    const stored = (await count()) - storedBefore;

    const share = (ms: number) => `${((ms / wallMs) * 100).toFixed(2)} %`;
    const cpu = cpus()[0];
    console.log(
      `machine:            ${cpus().length} cores (${cpu?.model.trim()}), agent on Node ${agentNodeVersion()}`,
    );
    console.log(
      `window:             ${(wallMs / 1000).toFixed(0)} s after ${warmupSeconds} s of warm-up, interval ${intervalMs} ms`,
    );
    console.log(`samples stored:     ${stored} (expected ≈ ${Math.round(wallMs / intervalMs)})`);
    console.log(
      `RSS:                ${rss[0]?.toFixed(1)} MiB at the start, ${Math.max(...rss).toFixed(1)} max, ${rss.at(-1)?.toFixed(1)} at the end`,
    );
    console.log(
      `RSS, anon / file:   ${splitBefore} MiB at the start, ${splitAfter} at the end (file: mapped code, shared and evictable)`,
    );
    console.log(`CPU, agent:         ${share(ownMs)} of one core (${ownMs.toFixed(0)} ms)`);
    console.log(
      `CPU, its commands:  ${share(childrenMs)} of one core (${childrenMs.toFixed(0)} ms)`,
    );
    console.log(`CPU, total:         ${share(ownMs + childrenMs)} of one core`);

    agent.kill("SIGTERM");
    const [code] = await once(agent, "exit");
    console.log(`agent exit code on SIGTERM: ${code}`);
  } finally {
    if (agent && agent.exitCode === null) agent.kill("SIGKILL");
    await api.close();
    await sampleStore.close();
    await deleteKeys(redis, `${prefix}:*`);
    redis.disconnect();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
