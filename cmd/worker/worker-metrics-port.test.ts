import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis } from "../../internal/redis/redis.js";
import { eventually } from "../../test/support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { sampleValue, scrape } from "../../test/support/prometheus.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { startWorkerProcess } from "../../test/support/worker-process.js";

// A real cmd/worker process: its operations port (METRICS_PORT) as Prometheus and an
// orchestrator see it, and its closing on SIGTERM.

const TOKEN = "worker-process-metrics-token";

let db: TestDatabase;
let redis: Redis;
const prefix = uniquePrefix("worker-metrics-port");
let child: ChildProcess | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "worker-metrics-port-test");
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await db.drop();
});

describe("a worker process's operations port", () => {
  it("serves /metrics behind METRICS_TOKEN, /healthz and /readyz, and closes on SIGTERM", async () => {
    const worker = startWorkerProcess(
      { databaseUrl: db.url, prefix },
      { METRICS_TOKEN: TOKEN, PULSAR_SHARED_HOSTS: "false", LOG_LEVEL: "info" },
    );
    child = worker.child;
    // The log line that says where it listens, whatever order the logger writes fields in.
    const listening = () => {
      const line = worker
        .stderr()
        .split("\n")
        .find((l) => l.includes("metrics and health listening"));
      return line && /"port":(\d+)/.exec(line)?.[1];
    };
    await eventually(() => listening() !== undefined, {
      what: "the worker to log its metrics port",
      timeoutMs: 30_000,
    });
    const base = `http://127.0.0.1:${listening()}`;

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const readyz = await fetch(`${base}/readyz`);
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toEqual({ status: "ready" });
    expect((await scrape(`${base}/metrics`)).status).toBe(401);
    const { status, text } = await scrape(`${base}/metrics`, TOKEN);
    expect(status).toBe(200);
    expect(sampleValue(text, "pulsar_checks_total", { outcome: "up", error_kind: "none" })).toBe(0);
    expect(
      sampleValue(text, "pulsar_queue_depth", { queue: "checks", state: "waiting" }),
    ).toBeTypeOf("number");
    expect(sampleValue(text, "pulsar_process_resident_memory_bytes")).toBeGreaterThan(0);

    const exited = once(worker.child, "exit");
    worker.child.kill("SIGTERM");
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  }, 60_000);
});
