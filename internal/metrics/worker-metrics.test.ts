import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import type { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MonitorService } from "../../gen/pulsar/v1/monitor_pb.js";
import { bearer, createTestOrg } from "../../test/support/accounts.js";
import { insertChannelFixture } from "../../test/support/alert-fixtures.js";
import { eventually } from "../../test/support/eventually.js";
import { type FakeDiscord, startFakeDiscord } from "../../test/support/fake-discord.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { sampleValue, scrape } from "../../test/support/prometheus.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { hostSample } from "../../test/support/stream-clients.js";
import { startHttpsTarget, startHttpTarget, type TestTarget } from "../../test/support/targets.js";
import { type AlertQueue, createAlertQueue } from "../alerts/delivery/alert-queue.js";
import {
  type AlertDeliveryWorker,
  startAlertDeliveryWorker,
} from "../alerts/delivery/delivery-worker.js";
import { createAlertHandOut } from "../alerts/hand-out.js";
import { createApi } from "../api/app.js";
import { type CheckWorker, startCheckWorker } from "../checks/check-worker.js";
import { runCheck } from "../checks/http/index.js";
import { createMonitorLocks } from "../checks/monitor-locks.js";
import {
  CHECK_JOB_NAME,
  CHECK_JOB_OPTIONS,
  type CheckQueue,
  createCheckQueue,
  LOCAL_REGION,
} from "../checks/queue/check-queue.js";
import { createCheckSchedule } from "../checks/queue/check-schedule.js";
import { createMonitorScheduler } from "../checks/queue/schedules.js";
import { silentLogger } from "../core/logger.js";
import { createHealthHandler } from "../core/ops/health.js";
import { createMetricsHandler } from "../core/ops/metrics-handler.js";
import { createOpsHandler } from "../core/ops/ops-handler.js";
import { createHostSampleStore } from "../hosts/server/sample-store.js";
import { createRedis } from "../redis/redis.js";
import { registerQueueDepth } from "./queue-depth.js";
import { createMetricsRegistry } from "./registry.js";
import { createWorkerMetrics, type WorkerMetrics } from "./worker-metrics.js";

// A worker wired as cmd/worker wires it (check worker, alert deliveries, host samples, the
// operations port), checking local targets; the series are read over HTTP as Prometheus would.

const TOKEN = "worker-metrics-test-token";

let db: TestDatabase;
let target: TestTarget;
let tlsTarget: TestTarget;
let fake: FakeDiscord;
let bullConnection: Redis;
let redis: Redis;
let prefix: string;
let queue: CheckQueue;
let alertQueue: AlertQueue;
let metrics: WorkerMetrics;
let worker: CheckWorker;
let alertWorker: AlertDeliveryWorker;
let ops: Server;
let opsUrl: string;
let orgId: string;
let client: ReturnType<typeof createClient<typeof MonitorService>>;

beforeAll(async () => {
  db = await createTestDatabase();
  [target, tlsTarget, fake] = await Promise.all([
    startHttpTarget(),
    startHttpsTarget("self-signed"),
    startFakeDiscord(),
  ]);
  prefix = uniquePrefix("worker-metrics");
  bullConnection = createRedis(TEST_REDIS_URL, "bullmq", "worker-metrics-test");
  redis = createRedis(TEST_REDIS_URL, "command", "worker-metrics-test-locks");
  queue = createCheckQueue(bullConnection, prefix);
  alertQueue = createAlertQueue(bullConnection, prefix);
  metrics = createWorkerMetrics(createMetricsRegistry());
  registerQueueDepth(metrics.registry, {
    queues: { checks: queue, alerts: alertQueue },
    log: silentLogger,
  });
  worker = startCheckWorker({
    pool: db.pool,
    bullConnection,
    redis,
    queue,
    prefix,
    runCheck,
    concurrency: 10,
    // The region of the schedule and queue above: a monitor listing none is checked there.
    region: LOCAL_REGION,
    defaultRegion: LOCAL_REGION,
    reconcileEveryMs: 1000,
    handOut: createAlertHandOut({ queue: alertQueue, log: silentLogger }),
    metrics,
    log: silentLogger,
  });
  alertWorker = startAlertDeliveryWorker({
    db: db.pool,
    bullConnection,
    queue: alertQueue,
    prefix,
    sweepEveryMs: 3_600_000,
    metrics,
    log: silentLogger,
  });
  ops = createServer(
    createOpsHandler(
      [
        createMetricsHandler({ registry: metrics.registry, token: TOKEN }),
        createHealthHandler({
          postgres: () => db.pool.query("SELECT 1"),
          redis: () => redis.ping(),
        }),
      ],
      silentLogger,
    ),
  );
  await new Promise<void>((resolve) => ops.listen(0, "127.0.0.1", resolve));
  opsUrl = `http://127.0.0.1:${(ops.address() as AddressInfo).port}`;

  const api = createApi({
    pool: db.pool,
    redis,
    prefix,
    scheduler: createMonitorScheduler({ schedule: createCheckSchedule(redis, prefix), queue }),
    log: silentLogger,
  });
  const org = await createTestOrg(db.pool, "Metrics");
  orgId = org.orgId;
  client = createClient(
    MonitorService,
    createRouterTransport(api.routes, { transport: { interceptors: [bearer(org.apiToken)] } }),
  );
});

afterAll(async () => {
  ops.closeAllConnections();
  await new Promise((resolve) => ops.close(resolve));
  await worker.close();
  await alertWorker.close();
  await queue.obliterate({ force: true });
  await alertQueue.obliterate({ force: true });
  await queue.close();
  await alertQueue.close();
  bullConnection.disconnect();
  redis.disconnect();
  await Promise.all([target.close(), tlsTarget.close(), fake.close()]);
  await db.drop();
});

/** series scrapes the worker's /metrics with the token, as Prometheus would. */
async function series(): Promise<string> {
  const { status, text } = await scrape(`${opsUrl}/metrics`, TOKEN);
  expect(status).toBe(200);
  return text;
}

/** value reads one series from a fresh scrape; 0 when absent, so it can be waited on. */
async function value(name: string, labels: Record<string, string> = {}): Promise<number> {
  return sampleValue(await series(), name, labels) ?? 0;
}

async function createMonitor(
  name: string,
  url: string,
  extra: { ignoreTlsErrors?: boolean; alertChannelIds?: string[] } = {},
): Promise<string> {
  const { monitor } = await client.createMonitor({
    monitor: { name, url, intervalSeconds: 60, timeoutMs: 3000, confirmations: 1, ...extra },
  });
  return monitor?.id ?? "";
}

/**
 * checkedMonitors counts the monitors among ids with a result stored. Not the results: a
 * monitor's first slot may fall within seconds of its immediate check, and its second result
 * can land in the same batch as another monitor's first (a count of results skipped from 2 to
 * 4 and never read 3). lastStored keeps each monitor's results from the last call, for a
 * failure's message.
 */
let lastStored = "";
async function checkedMonitors(ids: string[]): Promise<number> {
  const { rows } = await db.pool.query<{ monitor_id: string; n: number }>(
    `SELECT monitor_id, count(*)::int AS n FROM check_results
     WHERE monitor_id = ANY($1::uuid[]) GROUP BY monitor_id`,
    [ids],
  );
  lastStored = JSON.stringify(Object.fromEntries(rows.map((r) => [r.monitor_id, r.n])));
  return rows.length;
}

describe("a worker's /metrics", () => {
  it("counts checks by outcome and error kind, with the phases of their waterfalls and their lateness", async () => {
    const ids = await Promise.all([
      // localhost: the check resolves a name, so the DNS phase is observed.
      createMonitor("up by name", `${target.localhostUrl}/ok`),
      createMonitor("up over TLS", `${tlsTarget.url}/ok`, { ignoreTlsErrors: true }),
      createMonitor("server error", `${target.url}/status/500`),
    ]);
    await eventually(async () => (await checkedMonitors(ids)) === 3, {
      what: "the three monitors' results to be stored",
      timeoutMs: 10_000,
      detail: () => `results stored by monitor: ${lastStored}`,
    });

    const text = await series();
    const get = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(text, name, labels) ?? Number.NaN;
    const up = get("pulsar_checks_total", { outcome: "up", error_kind: "none" });
    const down = get("pulsar_checks_total", { outcome: "down", error_kind: "status" });
    expect(up).toBeGreaterThanOrEqual(2);
    expect(down).toBeGreaterThanOrEqual(1);
    // Every error kind is exported from the start, at zero until it happens.
    expect(get("pulsar_checks_total", { outcome: "down", error_kind: "timeout" })).toBe(0);
    // So are the checks an organization's bound held back (none here: no bound is set).
    expect(get("pulsar_checks_total", { outcome: "dropped", error_kind: "none" })).toBe(0);
    expect(get("pulsar_deferred_jobs_total", { queue: "checks" })).toBe(0);
    expect(get("pulsar_deferred_jobs_total", { queue: "alerts" })).toBe(0);

    const phaseCount = (phase: string) => get("pulsar_check_phase_seconds_count", { phase });
    expect(phaseCount("dns")).toBeGreaterThanOrEqual(1);
    expect(phaseCount("tls")).toBeGreaterThanOrEqual(1);
    expect(phaseCount("connect")).toBeGreaterThanOrEqual(3);
    expect(phaseCount("ttfb")).toBeGreaterThanOrEqual(3);
    expect(phaseCount("download")).toBeGreaterThanOrEqual(1);
    // Every check's total is observed (the test has no other source of checks).
    const checked = up + down;
    expect(phaseCount("total")).toBe(checked);
    const meanTotal = get("pulsar_check_phase_seconds_sum", { phase: "total" }) / checked;
    expect(meanTotal).toBeGreaterThan(0);
    expect(meanTotal).toBeLessThan(3);
    expect(get("pulsar_check_phase_seconds_bucket", { phase: "total", le: "+Inf" })).toBe(checked);

    // Each check started within a few seconds of the start its job intended.
    expect(get("pulsar_check_scheduling_lateness_seconds_count")).toBe(checked);
    expect(get("pulsar_check_scheduling_lateness_seconds_bucket", { le: "5" })).toBe(checked);
  });

  it("records each stored batch of results: how long it took and how many it held", async () => {
    const id = await createMonitor("batched", `${target.url}/ok`);
    await eventually(async () => (await checkedMonitors([id])) === 1, {
      what: "the monitor's result to be stored",
      timeoutMs: 10_000,
      detail: () => `results stored by monitor: ${lastStored}`,
    });
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM check_results",
    );
    const stored = rows[0]?.n ?? 0;
    // Counted once the batch's transaction committed: right after the rows became visible.
    await eventually(async () => (await value("pulsar_result_batch_size_sum")) >= stored, {
      what: `pulsar_result_batch_size_sum to reach the ${stored} stored results`,
    });
    const text = await series();
    const batches = sampleValue(text, "pulsar_result_batch_size_count") ?? 0;
    expect(batches).toBeGreaterThanOrEqual(1);
    // A batch holds one result at least.
    expect(batches).toBeLessThanOrEqual(sampleValue(text, "pulsar_result_batch_size_sum") ?? 0);
    expect(sampleValue(text, "pulsar_result_batch_flush_seconds_count")).toBe(batches);
    expect(sampleValue(text, "pulsar_result_batch_flush_seconds_sum")).toBeGreaterThan(0);
  });

  it("counts a check skipped while the monitor's previous check runs, and a job that fails", async () => {
    const skippedBefore = await value("pulsar_checks_total", {
      outcome: "skipped",
      error_kind: "none",
    });
    const failuresBefore = await value("pulsar_check_job_failures_total");
    const monitorId = randomUUID();
    const locks = createMonitorLocks(redis, prefix);
    const [release] = await locks.acquire([{ monitorId, ttlMs: 30_000 }]);
    const checkTarget = { url: "http://127.0.0.1:1/", method: "GET", timeoutMs: 1000 };
    const job = { monitorId, target: checkTarget, intervalSeconds: 60 };
    await queue.add(CHECK_JOB_NAME, job, CHECK_JOB_OPTIONS);
    // A job without a target can never run.
    await queue.add(CHECK_JOB_NAME, { monitorId: randomUUID() }, CHECK_JOB_OPTIONS);
    await eventually(
      async () =>
        (await value("pulsar_checks_total", { outcome: "skipped", error_kind: "none" })) >
          skippedBefore && (await value("pulsar_check_job_failures_total")) > failuresBefore,
      { what: "a skipped check and a failed job to be counted", timeoutMs: 10_000 },
    );
    release?.();
    await locks.flush();
  });

  it("counts alert deliveries by outcome", async () => {
    const deliveredUrl = fake.webhookUrl();
    const goneUrl = fake.webhookUrl();
    // Discord's answer for a deleted webhook: not worth a retry.
    fake.answer(goneUrl, { status: 404, body: { message: "Unknown Webhook", code: 10015 } });
    const channels = await Promise.all([
      insertChannelFixture(db.pool, orgId, { kind: "discord", url: deliveredUrl }),
      insertChannelFixture(db.pool, orgId, { kind: "discord", url: goneUrl }),
    ]);
    const deliveredBefore = await value("pulsar_alert_deliveries_total", { outcome: "delivered" });
    const failedBefore = await value("pulsar_alert_deliveries_total", { outcome: "failed" });
    await createMonitor("alerting", `${target.url}/status/503`, { alertChannelIds: channels });
    await eventually(
      async () =>
        (await value("pulsar_alert_deliveries_total", { outcome: "delivered" })) ===
          deliveredBefore + 1 &&
        (await value("pulsar_alert_deliveries_total", { outcome: "failed" })) === failedBefore + 1,
      { what: "one delivered and one failed delivery to be counted", timeoutMs: 10_000 },
    );
    expect(fake.posts(deliveredUrl)).toHaveLength(1);
    expect(await value("pulsar_alert_deliveries_total", { outcome: "retrying" })).toBe(0);
  });

  it("reports the queues' depth by state, read from Redis when scraped", async () => {
    await createMonitor("scheduled", `${target.url}/ok`);
    const before = await series();
    for (const queueName of ["checks", "alerts"]) {
      for (const state of ["waiting", "prioritized", "delayed", "active", "failed", "completed"]) {
        expect(sampleValue(before, "pulsar_queue_depth", { queue: queueName, state })).toBeTypeOf(
          "number",
        );
      }
    }
    const delayed = (queueName: string) =>
      sampleValue(before, "pulsar_queue_depth", { queue: queueName, state: "delayed" }) ?? 0;
    const delayedChecks = delayed("checks");
    const delayedAlerts = delayed("alerts");
    // Checks waiting for their organization's slot wait as delayed jobs.
    await queue.add("later", { checks: [] }, { delay: 3_600_000, jobId: `later-${randomUUID()}` });
    await alertQueue.add("later", {}, { delay: 3_600_000, jobId: `later-${randomUUID()}` });
    expect(await value("pulsar_queue_depth", { queue: "checks", state: "delayed" })).toBe(
      delayedChecks + 1,
    );
    expect(await value("pulsar_queue_depth", { queue: "alerts", state: "delayed" })).toBe(
      delayedAlerts + 1,
    );
  });

  it("leaves the queue depth out, without hanging the scrape, when Redis does not answer", async () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    registerQueueDepth(registry, {
      queues: { checks: { getJobCounts: () => new Promise(() => {}) } },
      log: silentLogger,
    });
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(sampleValue(text, "pulsar_queue_depth", { queue: "checks", state: "waiting" })).toBe(
      undefined,
    );
  });

  it("counts the host samples it stores", async () => {
    const before = await value("pulsar_host_samples_ingested_total");
    const store = createHostSampleStore({
      pool: db.pool,
      log: silentLogger,
      maxDelayMs: 10,
      metrics,
    });
    const hostId = `metrics-host-${randomUUID()}`;
    store.add(undefined, hostSample(hostId, Date.now() - 1000));
    store.add(undefined, hostSample(hostId, Date.now() - 500));
    await store.close();
    expect(await value("pulsar_host_samples_ingested_total")).toBe(before + 2);
  });

  it("exports the process's own series under the pulsar_ prefix", async () => {
    const text = await series();
    expect(sampleValue(text, "pulsar_process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(sampleValue(text, "pulsar_nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
  });
});

describe("a worker's operations port", () => {
  it("answers /metrics only to the METRICS_TOKEN bearer", async () => {
    const none = await scrape(`${opsUrl}/metrics`);
    expect(none.status).toBe(401);
    expect(none.text).not.toContain("pulsar_checks_total");
    expect((await scrape(`${opsUrl}/metrics`, "worker-metrics-test-tokeN")).status).toBe(401);
    expect((await scrape(`${opsUrl}/metrics`, "short")).status).toBe(401);
    const ok = await scrape(`${opsUrl}/metrics`, TOKEN);
    expect(ok.status).toBe(200);
    expect(ok.contentType).toBe(metrics.registry.contentType);
    expect(ok.text).toContain("# TYPE pulsar_checks_total counter");
  });

  it("serves /healthz, and /readyz once Postgres and Redis answer", async () => {
    const healthz = await fetch(`${opsUrl}/healthz`);
    expect(healthz.status).toBe(200);
    expect(await healthz.json()).toEqual({ status: "ok" });
    const readyz = await fetch(`${opsUrl}/readyz`);
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toEqual({ status: "ready" });
    expect((await fetch(`${opsUrl}/anything-else`)).status).toBe(404);
  });

  it("answers /readyz with 503 naming Postgres when it cannot be queried", async () => {
    const closed = new pg.Pool({ connectionString: db.url });
    await closed.end();
    const handler = createOpsHandler(
      [createHealthHandler({ postgres: () => closed.query("SELECT 1") })],
      silentLogger,
    );
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const readyz = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(readyz.status).toBe(503);
      const body = (await readyz.json()) as { status: string; failed: Record<string, string> };
      expect(body.status).toBe("unavailable");
      expect(Object.keys(body.failed)).toEqual(["postgres"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
