import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CheckWorker, startCheckWorker } from "../../internal/checks/check-worker.js";
import { runCheck } from "../../internal/checks/http/index.js";
import { scheduleOf } from "../../internal/checks/monitors/monitor-schedule.js";
import { insertMonitor } from "../../internal/checks/monitors/monitors.js";
import {
  type CheckQueue,
  createCheckQueue,
  LOCAL_REGION,
} from "../../internal/checks/queue/check-queue.js";
import { createCheckSchedule } from "../../internal/checks/queue/check-schedule.js";
import { dnsServers, loadConfig } from "../../internal/config/config.js";
import { silentLogger } from "../../internal/core/logger.js";
import { createDnsLookup, type DnsLookup } from "../../internal/dns/dns-lookup.js";
import { createMetricsRegistry } from "../../internal/metrics/registry.js";
import { createWorkerMetrics, type WorkerMetrics } from "../../internal/metrics/worker-metrics.js";
import { createRedis } from "../../internal/redis/redis.js";
import { createTestOrg } from "../support/accounts.js";
import { startDnsServer, type TestDnsServer } from "../support/dns-server.js";
import { specFixture } from "../support/fixtures.js";
import { type HostileServer, startSilentServer } from "../support/hostile-servers.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { sampleValue } from "../support/prometheus.js";
import { TEST_REDIS_URL, uniquePrefix } from "../support/redis.js";
import { startHttpTarget, type TestTarget } from "../support/targets.js";

// A public instance's worker (PULSAR_SIGNUP=open, 20 check slots: at most 5 per organization)
// wired as cmd/worker wires it, in this process. Tenant A points 60 monitors at a server that
// accepts and never answers and 40 at names whose DNS server reads and never answers; tenant B
// has 10 monitors on a healthy local target, half by `localhost` (the hosts file), half by a
// name that same DNS server answers. For two intervals, B's checks must run on time and up.

const INTERVAL_SECONDS = 10;
const A_TIMEOUT_MS = 5000;
const RUN_MS = 2 * INTERVAL_SECONDS * 1000 + 3000;

let db: TestDatabase;
let bull: Redis;
let redis: Redis;
let queue: CheckQueue;
let hang: HostileServer;
let dns: TestDnsServer;
let healthy: TestTarget;
let resolver: DnsLookup;
let metrics: WorkerMetrics;
let worker: CheckWorker;
let orgA: string;
let orgB: string;
let maxInFlight = 0;
/** The most connections A's hanging server held open at once, sampled through the run. */
let mostHeldByA = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  hang = await startSilentServer();
  healthy = await startHttpTarget();
  dns = await startDnsServer({
    records: { "status.b.test": { A: ["127.0.0.1"] } },
    silentSuffixes: ["never.test"],
  });
  const config = loadConfig({
    PULSAR_SIGNUP: "open",
    CHECK_CONCURRENCY: "20",
    CHECK_DNS_SERVERS: dns.server,
  });
  maxInFlight = config.CHECK_ORG_MAX_INFLIGHT;
  resolver = createDnsLookup({ servers: dnsServers(config) });
  const prefix = uniquePrefix("fair");
  bull = createRedis(TEST_REDIS_URL, "bullmq", "fair-test");
  redis = createRedis(TEST_REDIS_URL, "command", "fair-test-locks");
  queue = createCheckQueue(bull, prefix);
  metrics = createWorkerMetrics(createMetricsRegistry({ processMetrics: false }));

  orgA = (await createTestOrg(db.pool, "A")).orgId;
  orgB = (await createTestOrg(db.pool, "B")).orgId;
  const monitor = async (orgId: string, url: string, timeoutMs: number) => {
    const created = await insertMonitor(
      db.pool,
      orgId,
      specFixture({ name: url, url, intervalSeconds: INTERVAL_SECONDS, timeoutMs }),
    );
    await createCheckSchedule(redis, prefix).upsert([scheduleOf(created, orgId)]);
  };
  for (let i = 0; i < 60; i++) {
    await monitor(orgA, `http://127.0.0.1:${hang.port}/a/${i}`, A_TIMEOUT_MS);
  }
  for (let i = 0; i < 40; i++) {
    await monitor(orgA, `http://n${i}.never.test:${hang.port}/`, A_TIMEOUT_MS);
  }
  for (let i = 0; i < 5; i++) {
    await monitor(orgB, `${healthy.localhostUrl}/ok?b=${i}`, 5000);
    await monitor(orgB, `http://status.b.test:${healthy.port}/ok?b=${i}`, 5000);
  }

  worker = startCheckWorker({
    pool: db.pool,
    bullConnection: bull,
    redis,
    queue,
    prefix,
    // The targets are all on loopback, which a public instance would refuse.
    runCheck: (target, options) =>
      runCheck(target, { ...options, lookup: resolver.lookup, blockPrivateTargets: false }),
    concurrency: config.CHECK_CONCURRENCY,
    orgMaxInFlight: config.CHECK_ORG_MAX_INFLIGHT,
    // The region of the schedule and queue above: a monitor listing none is checked there.
    region: LOCAL_REGION,
    defaultRegion: LOCAL_REGION,
    reconcileEveryMs: 60_000,
    metrics,
    log: silentLogger,
  });
  // Run for two intervals, watching how many connections A holds at once.
  const until = Date.now() + RUN_MS;
  while (Date.now() < until) {
    mostHeldByA = Math.max(mostHeldByA, hang.accepted() - hang.closedByClient());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}, 90_000);

afterAll(async () => {
  await worker?.close();
  resolver?.close();
  await queue?.obliterate({ force: true });
  await queue?.close();
  bull?.disconnect();
  redis?.disconnect();
  await Promise.all([hang?.close(), dns?.close(), healthy?.close()]);
  await db?.drop();
});

interface Row {
  url: string;
  up: boolean;
  error: string;
  lateness_ms: number;
}

const resultsOf = async (orgId: string) =>
  (
    await db.pool.query<Row>(
      `SELECT m.url, r.up, r.error,
              (extract(epoch FROM r.checked_at - r.scheduled_at) * 1000)::float8 AS lateness_ms
       FROM check_results r JOIN monitors m ON m.id = r.monitor_id
       WHERE m.org_id = $1`,
      [orgId],
    )
  ).rows;

const metric = async (name: string, labels: Record<string, string>) =>
  sampleValue(await metrics.registry.metrics(), name, labels) ?? 0;

describe("fair checks between tenants", () => {
  it("bounds a public instance's checks per organization by a quarter of its slots", () => {
    expect(maxInFlight).toBe(5);
    expect(mostHeldByA).toBeGreaterThan(0);
    expect(mostHeldByA).toBeLessThanOrEqual(maxInFlight);
  });

  it("runs the other tenant's checks on time and up, by localhost and by DNS", async () => {
    const rows = await resultsOf(orgB);
    // Two intervals: every one of B's ten monitors was checked at least once, most twice.
    expect(new Set(rows.map((r) => r.url)).size).toBe(10);
    expect(rows.length).toBeGreaterThanOrEqual(15);
    expect(rows.filter((r) => !r.up)).toEqual([]);
    // Without the bound, A's hanging checks take every slot and B waits up to their 5 s timeout.
    const lateness = rows.map((r) => r.lateness_ms).sort((x, y) => x - y);
    expect(lateness[lateness.length - 1]).toBeLessThan(A_TIMEOUT_MS / 2);
  });

  it("defers the noisy tenant's excess and drops it once stale, never running it late", async () => {
    expect(await metric("pulsar_deferred_jobs_total", { queue: "checks" })).toBeGreaterThan(0);
    expect(
      await metric("pulsar_checks_total", { outcome: "dropped", error_kind: "none" }),
    ).toBeGreaterThan(0);
    const rows = await resultsOf(orgA);
    expect(rows.length).toBeGreaterThan(0);
    // A check starts within its interval, or not at all.
    for (const row of rows) expect(row.lateness_ms).toBeLessThan(INTERVAL_SECONDS * 1000);
    // No backlog: at most a job per monitor waiting, and the next one scheduled.
    const counts = await queue.getJobCounts("delayed", "wait", "prioritized");
    const queued = (counts.delayed ?? 0) + (counts.wait ?? 0) + (counts.prioritized ?? 0);
    expect(queued).toBeLessThanOrEqual(2 * 110);
  });

  it("says so when a check timed out resolving the name", async () => {
    const dnsRows = (await resultsOf(orgA)).filter((r) => r.url.includes(".never.test"));
    expect(dnsRows.length).toBeGreaterThan(0);
    for (const row of dnsRows) {
      expect(row.error).toMatch(
        /^(DNS lookup failed for n\d+\.never\.test \(ETIMEOUT\)|timeout after 5000 ms \(resolving the name\))$/,
      );
    }
  });
});
