import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MonitorService } from "../../gen/pulsar/v1/monitor_pb.js";
import { bearer, createTestOrg } from "../../test/support/accounts.js";
import { eventually } from "../../test/support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { startHttpTarget, type TestTarget } from "../../test/support/targets.js";
import { startWorkerProcess } from "../../test/support/worker-process.js";
import { createApi } from "../api/app.js";
import { silentLogger } from "../core/logger.js";
import { createRedis } from "../redis/redis.js";
import { type CheckQueue, createCheckQueue, scheduleOffsetMs } from "./queue/check-queue.js";
import { createCheckSchedule } from "./queue/check-schedule.js";
import { createMonitorScheduler } from "./queue/schedules.js";

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
    scheduler: createMonitorScheduler({ schedule: createCheckSchedule(redis, prefix), queue }),
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

function startWorker(env: Record<string, string> = {}): ChildProcess {
  const { child } = startWorkerProcess(
    { databaseUrl: db.url, prefix },
    { JOB_LOCK_MS: "1000", LOG_LEVEL: "error", ...env },
  );
  workers.push(child);
  return child;
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
  await eventually(() => target.requestsReceived() > before, {
    what: "the check to reach the target",
    timeoutMs: 15_000,
    intervalMs: 100,
  });
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

  it("on SIGTERM during a burst of checks loses no result and stores none twice", async () => {
    // 120 monitors checked at once by a worker running 20 at a time, each check 400 ms long:
    // SIGTERM lands with checks in flight, results waiting in the writer's batch and jobs not
    // yet taken. (The worker holds twice its concurrency in jobs: at 40 it would hold every job
    // left by the time 50 checks had reached the target, and finish them all before exiting.) The interval is a day, so a monitor's next slot is known (see
    // scheduleOffsetMs): the immediate check is its only check in this test unless that slot
    // falls in the next 10 minutes, which the exactly-once assertion leaves out.
    const intervalSeconds = 86_400;
    const before = target.requestsReceived();
    const worker = startWorker({ CHECK_CONCURRENCY: "20" });
    const ids: string[] = [];
    for (let batch = 0; batch < 6; batch++) {
      const created = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          client.createMonitor({
            monitor: {
              name: `burst ${batch * 20 + i}`,
              url: `${target.url}/delay?headers=400`,
              intervalSeconds,
              timeoutMs: 5000,
            },
          }),
        ),
      );
      ids.push(...created.map(({ monitor }) => monitor?.id ?? ""));
    }
    const stored = async () =>
      Number(
        (
          await db.pool.query<{ n: string }>(
            "SELECT count(*) AS n FROM check_results WHERE monitor_id = ANY($1::uuid[])",
            [ids],
          )
        ).rows[0]?.n,
      );
    await eventually(() => target.requestsReceived() - before >= 50, {
      what: "the burst to be under way",
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    worker.kill("SIGTERM");
    const [code] = (await once(worker, "exit")) as [number | null];
    expect(code).toBe(0);
    const storedAtExit = await stored();
    // Every check that reached the target before SIGTERM had its result stored...
    expect(storedAtExit).toBeGreaterThanOrEqual(50);
    // (SIGTERM did land mid-burst: some checks were never started by this worker.)
    expect(storedAtExit).toBeLessThan(ids.length);
    // ...and the checks not taken yet are still queued, not lost.
    const counts = await queue.getJobCounts("waiting", "active", "prioritized");
    expect(storedAtExit + (counts.waiting ?? 0) + (counts.prioritized ?? 0)).toBeGreaterThanOrEqual(
      ids.length,
    );
    expect(counts.active).toBe(0);

    startWorker({ CHECK_CONCURRENCY: "40" });
    await eventually(
      async () => {
        const { rows } = await db.pool.query<{ n: string }>(
          "SELECT count(DISTINCT monitor_id) AS n FROM check_results WHERE monitor_id = ANY($1::uuid[])",
          [ids],
        );
        return Number(rows[0]?.n) === ids.length;
      },
      { what: "every monitor's first check", timeoutMs: 30_000, intervalMs: 100 },
    );
    const { rows } = await db.pool.query<{ monitor_id: string; n: string }>(
      "SELECT monitor_id, count(*) AS n FROM check_results WHERE monitor_id = ANY($1::uuid[]) GROUP BY monitor_id",
      [ids],
    );
    const every = intervalSeconds * 1000;
    const slotSoon = (id: string) => {
      const offset = scheduleOffsetMs(id, every);
      const sinceSlot = (((Date.now() - offset) % every) + every) % every;
      return sinceSlot < 60_000 || every - sinceSlot < 600_000;
    };
    const exactlyOnce = rows.filter((row) => !slotSoon(row.monitor_id));
    expect(exactlyOnce.length).toBeGreaterThan(ids.length * 0.9);
    for (const row of exactlyOnce)
      expect({ id: row.monitor_id, n: Number(row.n) }).toEqual({
        id: row.monitor_id,
        n: 1,
      });
  }, 90_000);

  it("loses no monitor when a worker is killed mid-check: another worker goes on checking it", async () => {
    const doomed = startWorker();
    const id = await slowMonitor("survives a crash", 3000);
    doomed.kill("SIGKILL");
    await once(doomed, "exit");
    expect(await results(id)).toHaveLength(0);
    expect((await createCheckSchedule(redis, prefix).get(id))?.nextSlotMs).toBeGreaterThan(0);

    startWorker();
    // The stalled job is handed over once its lock lapses, or the next slot's check runs.
    await eventually(async () => (await results(id)).length > 0, {
      what: "a check by the second worker",
      timeoutMs: 25_000,
      intervalMs: 100,
    });
    expect((await results(id))[0]?.up).toBe(true);
  }, 45_000);
});
