// bench/stream: latency from publishing a host sample to WebSocket clients receiving it, through
// the real API process (cmd/api, its own process) and a private redis-server, with 1, 100 and
// 1,000 clients subscribed to one host; and the API's memory per connected client.
//
//   npx tsx bench/stream/main.ts [--clients 1,100,1000] [--rate 20] [--duration 10]
//
// Needs Postgres (BENCH_POSTGRES_URL, default the local server; it creates and drops the
// database pulsar_bench_stream) and redis-server on PATH. Publisher and clients share this
// process, so latency is measured on one clock (performance.now()).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import * as accounts from "../../internal/accounts/accounts.js";
import { newSecret } from "../../internal/auth/secrets.js";
import { silentLogger } from "../../internal/core/logger.js";
import { freePort } from "../../internal/launcher/free-port.js";
import { startPrivateRedis } from "../../internal/launcher/private-redis.js";
import { createRedis } from "../../internal/redis/redis.js";
import { createStreamPublisher, type StreamPublisher } from "../../internal/stream/publisher.js";
import { hostSample } from "../../test/support/stream-clients.js";
import { machineCpu, processCpuMs, processRssMb } from "../checks/proc-stats.js";
import { type ClientPool, openClients } from "./clients.js";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "1,100,1000" },
    rate: { type: "string", default: "20" },
    duration: { type: "string", default: "10" },
  },
});
const counts = (args.clients ?? "").split(",").map(Number);
const rate = Number(args.rate);
const samples = rate * Number(args.duration);

const root = fileURLToPath(new URL("../../", import.meta.url));
const adminUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const database = "pulsar_bench_stream";
const prefix = "pulsar-bench-stream";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A sample the size of a real one: 12 top processes, a few disks and interfaces (~2 KB JSON).
const sampleInit = {
  cpu: { totalPercent: 23.5, perCorePercent: [20.1, 26.9], load1: 0.8, load5: 0.6, load15: 0.4 },
  memory: { totalBytes: 25e9, usedBytes: 3.2e9, availableBytes: 21e9, swapTotalBytes: 0 },
  disks: ["/", "/var", "/home"].map((mount) => ({
    mount,
    fsType: "ext4",
    sizeBytes: 1e11,
    usedBytes: 4e10,
  })),
  network: {
    rxBytesPerSec: 12345,
    txBytesPerSec: 6789,
    interfaces: ["eth0", "lo"].map((name) => ({ name, rxBytesPerSec: 1000, txBytesPerSec: 500 })),
  },
  processes: { total: 312, running: 2, sleeping: 300, threads: 1200 },
  topProcesses: Array.from({ length: 12 }, (_, i) => ({
    pid: 1000 + i,
    name: `process-${i}`,
    cpuPercent: 12 - i,
    memoryBytes: 1e8,
    state: "sleeping",
  })),
  info: { os: "Debian GNU/Linux 12", kernel: "6.1.0", arch: "x64", cpuModel: "AMD EPYC", cores: 2 },
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function startApi(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const api = spawn(process.execPath, ["--import", "tsx", "cmd/api/main.ts"], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 200; i++) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return api;
    await sleep(100);
  }
  throw new Error("the API did not become ready");
}

/** BenchOrg is the organization whose host the clients watch, and its API token. */
interface BenchOrg {
  orgId: string;
  headers: Record<string, string>;
}

/** createBenchOrg makes an organization and an API token straight in the database. */
async function createBenchOrg(db: pg.Client): Promise<BenchOrg> {
  const org = await accounts.insertOrganization(db, "bench");
  const secret = newSecret("api");
  await accounts.insertApiToken(db, {
    orgId: org.id,
    createdBy: undefined,
    name: "bench",
    scope: "api",
    tokenHash: secret.hash,
    prefix: secret.prefix,
  });
  return { orgId: org.id, headers: { authorization: `Bearer ${secret.secret}` } };
}

async function measure(
  api: ChildProcess,
  publisher: StreamPublisher,
  wsUrl: string,
  n: number,
  org: BenchOrg,
) {
  const pid = api.pid ?? 0;
  const hostId = `bench-${n}`;
  const rssBefore = processRssMb(pid);
  const pool: ClientPool = await openClients(wsUrl, n, `host:${hostId}`, org.headers);
  // Barrier: every client has a live frame, so every subscription is registered.
  const warm = 1_000_000;
  while ((pool.arrivals.get(warm)?.length ?? 0) < n) {
    await publisher.publishHostSample(
      hostSample(hostId, Date.now(), { ...sampleInit, hostname: `seq-${warm}` }),
      org.orgId,
    );
    await sleep(200);
  }
  await sleep(1000);
  const rssAfter = processRssMb(pid);
  pool.reset();

  const sentAt: number[] = [];
  const [cpu0, machine0, start] = [processCpuMs(pid), machineCpu(), performance.now()];
  const benchCpu0 = process.cpuUsage();
  for (let seq = 0; seq < samples; seq++) {
    const wait = start + (seq * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    sentAt[seq] = performance.now();
    const sample = hostSample(hostId, Date.now(), { ...sampleInit, hostname: `seq-${seq}` });
    publisher.publishHostSample(sample, org.orgId).catch((error: unknown) => console.error(error));
  }
  for (const deadline = performance.now() + 5000; performance.now() < deadline; ) {
    if (pool.liveFrames() >= n * samples) break;
    await sleep(50);
  }
  const elapsed = performance.now() - start;
  const [cpu1, machine1] = [processCpuMs(pid), machineCpu()];
  const benchCpu = process.cpuUsage(benchCpu0);
  const latencies: number[] = [];
  for (const [seq, arrivals] of pool.arrivals) {
    const sent = sentAt[seq];
    if (sent !== undefined) for (const at of arrivals) latencies.push(at - sent);
  }
  latencies.sort((a, b) => a - b);
  pool.close();
  await sleep(1000);
  return {
    clients: n,
    frames: latencies.length,
    lost: n * samples - latencies.length,
    p50Ms: +percentile(latencies, 50).toFixed(2),
    p99Ms: +percentile(latencies, 99).toFixed(2),
    maxMs: +(latencies.at(-1) ?? Number.NaN).toFixed(2),
    apiCores: +((cpu1 - cpu0) / elapsed).toFixed(3),
    // Publisher and clients: most of the machine at 1,000 clients, and part of the latency.
    clientCores: +((benchCpu.user + benchCpu.system) / 1000 / elapsed).toFixed(3),
    machineBusy: `${Math.round(100 * (1 - (machine1.idle - machine0.idle) / (machine1.total - machine0.total)))} %`,
    apiRssMb: +rssAfter.toFixed(1),
    rssPerClientKiB: +(((rssAfter - rssBefore) * 1024) / n).toFixed(1),
  };
}

async function main() {
  const stateDir = await mkdtemp(join(tmpdir(), "pulsar-bench-stream-"));
  const redisServer = await startPrivateRedis(join(stateDir, "redis"), silentLogger);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${database}`;
  const port = await freePort();
  const api = await startApi(
    {
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: redisServer.url,
      PORT: String(port),
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: "warn",
      // Its 1,000 clients share one token: well past the default of 20 streams per token.
      PULSAR_USER_MAX_STREAMS: "10000",
    },
    port,
  );
  const redis = createRedis(redisServer.url, "command", "bench-publisher");
  const publisher = createStreamPublisher(redis, prefix);
  const db = new pg.Client({ connectionString: databaseUrl.toString() });
  await db.connect();
  try {
    // The API applied the schema on start.
    const org = await createBenchOrg(db);
    const results = [];
    for (const n of counts) {
      const result = await measure(api, publisher, `ws://127.0.0.1:${port}/ws`, n, org);
      console.log(JSON.stringify(result));
      results.push(result);
    }
    console.table(results);
  } finally {
    await db.end();
    api.kill("SIGTERM");
    await once(api, "exit");
    redis.disconnect();
    await redisServer.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    await rm(stateDir, { recursive: true, force: true });
  }
}

await main();
