import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MonitorService } from "../../gen/pulsar/v1/monitor_pb.js";
import { bearer, createTestOrg } from "../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { startHttpTarget, type TestTarget } from "../../test/support/targets.js";
import { createApi } from "../api/app.js";
import { silentLogger } from "../log/logger.js";
import { type CheckQueue, createCheckQueue } from "../queue/check-queue.js";
import { createRedis } from "../queue/redis.js";
import { createMonitorScheduler } from "../queue/schedules.js";

// Real worker processes (cmd/worker), stopped politely and killed outright mid-check.

let db: TestDatabase;
let target: TestTarget;
let prefix: string;
let redis: Redis;
let queue: CheckQueue;
let client: ReturnType<typeof createClient<typeof MonitorService>>;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  target = await startHttpTarget();
  prefix = uniquePrefix("faults");
  redis = createRedis(TEST_REDIS_URL, "bullmq", "faults-test");
  queue = createCheckQueue(redis, prefix);
  const api = createApi({
    pool: db.pool,
    redis,
    prefix,
    scheduler: createMonitorScheduler(queue),
    log: silentLogger,
  });
  // The API serves an organization's monitors to its own API token only.
  const org = await createTestOrg(db.pool);
  client = createClient(
    MonitorService,
    createRouterTransport(api.routes, { transport: { interceptors: [bearer(org.apiToken)] } }),
  );
});

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill("SIGKILL");
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
  await target.close();
  await db.drop();
});

function startWorker(): ChildProcess {
  const worker = spawn(process.execPath, ["--import", "tsx", "cmd/worker/main.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      JOB_LOCK_MS: "1000",
      LOG_LEVEL: "error",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  workers.push(worker);
  return worker;
}

async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const results = async (monitorId: string) =>
  (await client.listCheckResults({ monitorId, limit: 100 })).results;

async function slowMonitor(name: string, headersMs: number) {
  const before = target.requestsReceived();
  const { monitor } = await client.createMonitor({
    monitor: {
      name,
      url: `${target.url}/delay?headers=${headersMs}`,
      intervalSeconds: 10,
      timeoutMs: 5000,
    },
  });
  // The immediate check has reached the target: it is in flight.
  await waitFor(
    "the check to reach the target",
    async () => target.requestsReceived() > before,
    15_000,
  );
  return monitor?.id ?? "";
}

describe("worker faults", () => {
  it("on SIGTERM finishes the check in flight and stores its result before exiting", async () => {
    const worker = startWorker();
    const id = await slowMonitor("graceful", 1500);
    worker.kill("SIGTERM");
    const [code] = (await once(worker, "exit")) as [number | null];
    expect(code).toBe(0);
    // Nothing runs any more: the result must already be stored.
    const stored = await results(id);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.up).toBe(true);
    expect(stored[0]?.timing?.ttfbMs).toBeGreaterThanOrEqual(1400);
  }, 30_000);

  it("loses no monitor when a worker is killed mid-check: another worker goes on checking it", async () => {
    const doomed = startWorker();
    const id = await slowMonitor("survives a crash", 3000);
    doomed.kill("SIGKILL");
    await once(doomed, "exit");
    expect(await results(id)).toHaveLength(0);
    expect(await queue.getJobScheduler(id)).toBeDefined();

    startWorker();
    // The stalled job is handed over once its lock lapses, or the next scheduled check runs.
    await waitFor(
      "a check by the second worker",
      async () => (await results(id)).length > 0,
      25_000,
    );
    expect((await results(id))[0]?.up).toBe(true);
  }, 45_000);
});
