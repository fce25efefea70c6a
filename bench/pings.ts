// How fast heartbeat pings are answered, and how many a second one API process holds: seeds N
// heartbeat monitors in a fresh schema of the test Postgres, starts a server, and sends pings
// over keep-alive connections from this process:
// - quiet: one ping at a time, --gap-ms apart (the answer's own time, nothing queued), --quiet
//   tokens not pinged before (looked up), then the same tokens again (cached);
// - floor: a bare durable one-row write from this process, one at a time, --gap-ms apart: what
//   an answer given only once committed cannot beat here;
// - load: --rate pings/s, open loop (sent on schedule whether or not answers came), round robin
//   over the monitors, --warmup s then --duration s measured.
// Prints, for each, the rate achieved, latency p50 / p95 / p99 / max, errors, and for the load
// the server's CPU, Postgres backends' CPU, the pings still queued (answered, not yet applied)
// when the window closed, and the results stored for the window once they are applied.
//
// --connections (256): pings come from many jobs, each its own connection; with few, the
// client's own queue would set the latency.
// --server api (default) runs the real cmd/api (from source, tsx) with its defaults;
// --server handler forks this file as a bare server of the same ping handler with a real pool
// and Redis publisher, whose batch window --batch-ms sets (to compare windows).
//
//   npx tsx bench/pings.ts --monitors 1000 --rate 2000 --duration 20
//   npx tsx bench/pings.ts --server handler --batch-ms 5

import { fork } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import pg from "pg";
import { Pool } from "undici";
import { SERVER_TIMEOUTS } from "../internal/api/request-limits.js";
import { createPingHandler } from "../internal/checks/heartbeat/ping-handler.js";
import { DEFAULT_PING_BATCH_MS } from "../internal/checks/heartbeat/ping-queue.js";
import { silentLogger } from "../internal/core/logger.js";
import { createPool } from "../internal/db/pool.js";
import { createRedis } from "../internal/redis/redis.js";
import { createStreamPublisher } from "../internal/stream/publisher.js";
import { createTestOrg } from "../test/support/accounts.js";
import { startApiProcess } from "../test/support/api-process.js";
import { createHeartbeatMonitor } from "../test/support/heartbeat-monitors.js";
import { createTestDatabase, TEST_DATABASE_URL } from "../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../test/support/redis.js";
import { deleteKeys } from "../test/support/redis-keys.js";
import { machineCpu, processCpuMs } from "./checks/proc-stats.js";
import { createPostgresMeter } from "./stack/postgres-cpu.js";

const { values: args } = parseArgs({
  options: {
    monitors: { type: "string", default: "1000" },
    rate: { type: "string", default: "2000" },
    duration: { type: "string", default: "20" },
    warmup: { type: "string", default: "3" },
    quiet: { type: "string", default: "500" },
    "gap-ms": { type: "string", default: "20" },
    connections: { type: "string", default: "256" },
    server: { type: "string", default: "api" },
    "batch-ms": { type: "string", default: String(DEFAULT_PING_BATCH_MS) },
    // Internal: the forked bare server (--server handler).
    serve: { type: "string" },
    prefix: { type: "string" },
  },
});

/** serveHandler is the --server handler child: the ping handler alone on a free port. */
async function serveHandler(databaseUrl: string, prefix: string, batchDelayMs: number) {
  const pool = createPool({ connectionString: databaseUrl, applicationName: "pulsar-api" });
  const redis = createRedis(TEST_REDIS_URL, "command", "bench-pings");
  const pings = createPingHandler({
    pool,
    region: "bench",
    publisher: createStreamPublisher(redis, prefix),
    log: silentLogger,
    batchDelayMs,
  });
  const server = createServer(SERVER_TIMEOUTS, (req, res) => {
    if (!pings.handle(req, res)) {
      res.writeHead(404);
      res.end();
    }
  });
  server.listen(0, "127.0.0.1", () => {
    process.send?.({ port: (server.address() as AddressInfo).port });
  });
  process.on("SIGTERM", () => {
    server.closeAllConnections();
    server.close(async () => {
      await pings.close();
      redis.disconnect();
      await pool.end();
      process.exit(0);
    });
  });
}

interface Server {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/** startServer starts the server --server names. */
async function startServer(databaseUrl: string, prefix: string): Promise<Server> {
  if (args.server === "api") {
    // Pings come from many hosts, each its own address (the API limits pings per address): the
    // bench says which in X-Forwarded-For, as a proxy in front of the API would.
    const api = await startApiProcess({ databaseUrl, prefix, env: { PULSAR_TRUST_PROXY: "true" } });
    return { baseUrl: api.baseUrl, pid: api.pid, stop: api.stop };
  }
  const child = fork(
    new URL(import.meta.url).pathname,
    ["--serve", databaseUrl, "--prefix", prefix, "--batch-ms", args["batch-ms"] ?? ""],
    { execArgv: ["--import", "tsx"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m: { port: number }) => resolve(m.port));
    child.once("exit", (code) => reject(new Error(`the bare server exited with ${code}`)));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Token is a monitor's ping token and the address its job pings from (one host per job). */
interface Token {
  token: string;
  address: string;
}

interface Tally {
  latencies: number[];
  errors: Map<string, number>;
  sent: number;
}

const newTally = (): Tally => ({ latencies: [], errors: new Map(), sent: 0 });

/** pingOnce sends one ping and records its latency, or its error. */
async function pingOnce(client: Pool, token: Token, tally: Tally | undefined): Promise<void> {
  const started = performance.now();
  if (tally) tally.sent++;
  try {
    const res = await client.request({
      path: `/ping/${token.token}`,
      method: "POST",
      body: "ok",
      headers: { "x-forwarded-for": token.address },
    });
    const text = await res.body.text();
    const ms = performance.now() - started;
    if (!tally) return;
    if (res.statusCode === 200 && text === "OK\n") tally.latencies.push(ms);
    else {
      const key = `${res.statusCode} ${text.trim()}`;
      tally.errors.set(key, (tally.errors.get(key) ?? 0) + 1);
    }
  } catch (error) {
    if (!tally) return;
    const key = error instanceof Error ? error.message : String(error);
    tally.errors.set(key, (tally.errors.get(key) ?? 0) + 1);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function report(label: string, tally: Tally, seconds: number): void {
  const sorted = [...tally.latencies].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(2);
  const errors = [...tally.errors].map(([k, n]) => `${n}× ${k}`).join(", ") || "none";
  console.log(
    `${label}: ${sorted.length} answered OK of ${tally.sent} sent, ${(sorted.length / seconds).toFixed(0)}/s; ` +
      `latency p50 ${f(percentile(sorted, 50))} p95 ${f(percentile(sorted, 95))} p99 ${f(percentile(sorted, 99))} max ${f(sorted.at(-1) ?? NaN)} ms; errors: ${errors}`,
  );
}

/**
 * reportFloor times n durable one-row writes, gapMs apart, on one connection: what a ping
 * answered after its COMMIT cannot beat on this machine (two processes woken, one fsync).
 */
async function reportFloor(db: Pick<pg.Pool, "connect">, n: number, gapMs: number): Promise<void> {
  const client = await db.connect();
  try {
    await client.query("CREATE TABLE bench_floor (id int PRIMARY KEY, n bigint NOT NULL)");
    await client.query("INSERT INTO bench_floor VALUES (1, 0)");
    const floor = newTally();
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      floor.sent++;
      await client.query("UPDATE bench_floor SET n = n + 1 WHERE id = 1");
      floor.latencies.push(performance.now() - t);
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    report("floor, one durable one-row UPDATE", floor, (performance.now() - start) / 1000);
  } finally {
    client.release();
  }
}

/** openLoop sends rate pings/s for seconds, on schedule, round robin over tokens. */
async function openLoop(
  client: Pool,
  tokens: Token[],
  rate: number,
  seconds: number,
  tally: Tally | undefined,
): Promise<void> {
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let next = 0;
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; sent < due; sent++) {
      const token = tokens[next++ % tokens.length] ?? { token: "", address: "" };
      const p = pingOnce(client, token, tally).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
}

async function main() {
  const monitors = Number(args.monitors);
  const rate = Number(args.rate);
  const seconds = Number(args.duration);
  const prefix = uniquePrefix("bench-pings");
  const db = await createTestDatabase();
  let server: Server | undefined;
  try {
    const { orgId } = await createTestOrg(db.pool, "Bench pings");
    const tokens: Token[] = [];
    for (let i = 0; i < monitors; i++) {
      const monitor = await createHeartbeatMonitor(db.pool, orgId, {
        spec: { periodSeconds: 600, graceSeconds: 600 },
        name: `job ${i}`,
      });
      tokens.push({ token: monitor.token, address: `10.0.${i >> 8}.${i & 255}` });
    }
    server = await startServer(db.url, prefix);
    const client = new Pool(server.baseUrl, {
      connections: Number(args.connections),
      keepAliveTimeout: 60_000,
    });
    console.log(
      `${monitors} heartbeat monitors; server ${args.server}` +
        (args.server === "handler" ? `, batch window ${args["batch-ms"]} ms` : "") +
        `; ${args.connections} keep-alive connections`,
    );

    // Quiet: one at a time, after a warm-up of the connections. First tokens not pinged yet
    // (each looked up, as a job pinging hourly is), then the same again (cached, as a job
    // pinging every few minutes is).
    const warm = tokens.slice(0, 50);
    for (const token of warm) await pingOnce(client, token, undefined);
    const quietTokens = tokens.slice(warm.length, warm.length + Number(args.quiet));
    for (const label of ["quiet, tokens looked up", "quiet, tokens cached"]) {
      const quiet = newTally();
      const quietStart = performance.now();
      for (const token of quietTokens) {
        await pingOnce(client, token, quiet);
        const gap = Number(args["gap-ms"]);
        if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
      }
      report(label, quiet, (performance.now() - quietStart) / 1000);
    }

    // The floor under any answer given only once stored: one durable one-row write (an
    // autocommit UPDATE, fsync'd at COMMIT) from this process, one at a time, as far apart.
    await reportFloor(db.pool, Number(args.quiet), Number(args["gap-ms"]));

    // Load: every token cached by the warm-up, then the measured window.
    await openLoop(client, tokens, rate, Number(args.warmup), undefined);
    const admin = new pg.Client({
      connectionString: TEST_DATABASE_URL.replace(/\/test$/, "/postgres"),
    });
    await admin.connect();
    const postgres = createPostgresMeter(admin, new URL(TEST_DATABASE_URL).pathname.slice(1));
    await postgres.start();
    const sampler = setInterval(() => void postgres.sample(), 1000);
    const load = newTally();
    const cpuBefore = processCpuMs(server.pid);
    const machineBefore = machineCpu();
    const windowStart = new Date();
    const loadStart = performance.now();
    await openLoop(client, tokens, rate, seconds, load);
    const elapsed = (performance.now() - loadStart) / 1000;
    const cpuMs = processCpuMs(server.pid) - cpuBefore;
    const machineAfter = machineCpu();
    clearInterval(sampler);
    await postgres.sample();
    const pgCpu = postgres.read();
    await admin.end();
    // Answered pings are applied right after: the backlog left when the window closed, then
    // every result once it is drained.
    const inbox = async () =>
      (await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM ping_inbox")).rows[0]
        ?.n ?? 0;
    const backlog = await inbox();
    const drainStart = performance.now();
    while ((await inbox()) > 0 && performance.now() - drainStart < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const drainMs = performance.now() - drainStart;
    const stored = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM check_results WHERE checked_at >= $1",
      [windowStart],
    );
    report(`load ${rate}/s for ${seconds} s`, load, elapsed);
    const busy =
      1 - (machineAfter.idle - machineBefore.idle) / (machineAfter.total - machineBefore.total);
    console.log(
      `server CPU ${(cpuMs / elapsed / 1000).toFixed(2)} cores (${(cpuMs / Math.max(1, load.latencies.length)).toFixed(3)} ms per ping); ` +
        `Postgres backends ${(pgCpu.oursMs / elapsed / 1000).toFixed(2)} cores, background ${(pgCpu.otherMs / elapsed / 1000).toFixed(2)}; ` +
        `machine ${(busy * 100).toFixed(0)} % busy; results stored since the window opened: ${stored.rows[0]?.n ?? 0}`,
    );
    console.log(
      `pings queued and not yet applied when the window closed: ${backlog}, applied ${drainMs.toFixed(0)} ms later`,
    );
    await client.close();
  } finally {
    await server?.stop();
    await db.drop();
    const redis = createRedis(TEST_REDIS_URL, "command", "bench-pings-cleanup");
    await deleteKeys(redis, `${prefix}:*`).catch(() => {});
    redis.disconnect();
  }
}

// Last: everything above is initialized by then.
if (args.serve !== undefined)
  await serveHandler(args.serve, args.prefix ?? "", Number(args["batch-ms"]));
else await main();
