import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Timestamp, timestampMs } from "@bufbuild/protobuf/wkt";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertKind } from "../../gen/pulsar/v1/alert_pb.js";
import { MonitorService, MonitorStatus } from "../../gen/pulsar/v1/monitor_pb.js";
import { bearer, createTestOrg } from "../../test/support/accounts.js";
import { insertChannelFixture } from "../../test/support/alert-fixtures.js";
import { eventually } from "../../test/support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import type { OwnedAlertEvent } from "../alerts/alert-event.js";
import {
  type AlertQueue,
  createAlertQueue,
  deliveryJobId,
} from "../alerts/delivery/alert-queue.js";
import { createAlertHandOut } from "../alerts/hand-out.js";
import { createApi } from "../api/app.js";
import { silentLogger } from "../core/logger.js";
import { createRedis } from "../redis/redis.js";
import { type CheckWorker, startCheckWorker } from "./check-worker.js";
import { type CheckQueue, createCheckQueue } from "./queue/check-queue.js";
import { type CheckRegions, createCheckRegions } from "./queue/check-regions.js";
import { type CheckSchedule, createCheckSchedule } from "./queue/check-schedule.js";
import { createRegionalScheduler } from "./queue/schedules.js";
import { createCheckRunner } from "./run-target.js";

// A Redis database of its own, so that this file can FLUSHDB without touching other tests.
const redisUrl = (() => {
  const url = new URL(TEST_REDIS_URL);
  url.pathname = "/7";
  return url.toString();
})();

/** The region the worker serves: the installation's default one, not "local". */
const REGION = "test-region";

let db: TestDatabase;
let target: Server;
/** The User-Agent of each request the target received. */
const userAgents: (string | undefined)[] = [];
let targetUrl: string;
let bullConnection: Redis;
let redis: Redis;
let queue: CheckQueue;
let regions: CheckRegions;
let worker: CheckWorker;
let alertQueue: AlertQueue;
/** What the worker handed to the live stream. */
const alertEvents: OwnedAlertEvent[] = [];
/** Each result the worker published live, with the organization it went to. */
const published: { monitorId: string; orgId: string | undefined }[] = [];
let acmeOrgId: string;
let globexOrgId: string;
type Client = ReturnType<typeof createClient<typeof MonitorService>>;
let client: Client;
/** The check schedule the API writes and the worker claims from. */
let schedule: CheckSchedule;
/** A second organization's client: the worker checks every organization's monitors. */
let otherClient: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  target = createServer((req, res) => {
    userAgents.push(req.headers["user-agent"]);
    // Long enough for the checks of two regions to overlap.
    setTimeout(() => res.end("pulsar ok"), req.url === "/slow" ? 300 : 0);
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
  const prefix = uniquePrefix("worker");
  bullConnection = createRedis(redisUrl, "bullmq", "worker-test");
  redis = createRedis(redisUrl, "command", "worker-test-locks");
  schedule = createCheckSchedule(redis, prefix, REGION);
  queue = createCheckQueue(bullConnection, prefix, REGION);
  regions = createCheckRegions({ redis, queueConnection: bullConnection, prefix });
  alertQueue = createAlertQueue(bullConnection, prefix);
  worker = startCheckWorker({
    pool: db.pool,
    bullConnection,
    redis,
    queue,
    prefix,
    // Every kind, as cmd/worker runs them.
    runCheck: createCheckRunner({ identity: { region: REGION, version: "1.2.3" } }),
    concurrency: 10,
    region: REGION,
    defaultRegion: REGION,
    reconcileEveryMs: 300,
    publisher: {
      async publishCheckResults(results, owners) {
        for (const { monitorId } of results) {
          published.push({ monitorId, orgId: owners.get(monitorId) });
        }
      },
    },
    handOut: createAlertHandOut({
      queue: alertQueue,
      publisher: {
        async publishAlertEvents(events) {
          alertEvents.push(...events);
        },
      },
      log: silentLogger,
    }),
    log: silentLogger,
  });
  const api = createApi({
    pool: db.pool,
    redis,
    prefix,
    scheduler: createRegionalScheduler({ regions, defaultRegion: REGION }),
    log: silentLogger,
  });
  // The API serves an organization's monitors to its own API tokens only.
  const clientOf = (token: string) =>
    createClient(
      MonitorService,
      createRouterTransport(api.routes, { transport: { interceptors: [bearer(token)] } }),
    );
  const acme = await createTestOrg(db.pool, "Acme");
  acmeOrgId = acme.orgId;
  client = clientOf(acme.apiToken);
  const globex = await createTestOrg(db.pool, "Globex");
  globexOrgId = globex.orgId;
  otherClient = clientOf(globex.apiToken);
});

afterAll(async () => {
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await regions.close();
  await alertQueue.obliterate({ force: true });
  await alertQueue.close();
  bullConnection.disconnect();
  redis.disconnect();
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
  await db.drop();
});

function required(value: Timestamp | undefined): Timestamp {
  if (!value) throw new Error("missing timestamp");
  return value;
}

const resultCount = async (monitorId: string, by = client) =>
  (await by.listCheckResults({ monitorId, limit: 1000 })).results.length;

async function createChecked(name: string, by = client, intervalSeconds = 10) {
  const { monitor } = await by.createMonitor({
    monitor: { name, url: targetUrl, intervalSeconds, timeoutMs: 2000 },
  });
  const id = monitor?.id ?? "";
  await eventually(async () => (await resultCount(id, by)) > 0, {
    what: `first result of ${name}`,
    timeoutMs: 5000,
    intervalMs: 100,
  });
  return id;
}

describe("check worker", () => {
  it("refuses a queue of another region than its own", async () => {
    const other = createCheckQueue(bullConnection, uniquePrefix("worker"), "elsewhere");
    try {
      expect(() =>
        startCheckWorker({
          pool: db.pool,
          bullConnection,
          redis,
          queue: other,
          prefix: "unused",
          runCheck: createCheckRunner(),
          concurrency: 1,
          region: REGION,
          defaultRegion: REGION,
          reconcileEveryMs: 1000,
          log: silentLogger,
        }),
      ).toThrow("the check worker of region test-region got queue checks-elsewhere");
    } finally {
      await other.close();
    }
  });

  it("checks a TCP monitor by its kind: it sends, reads the answer and stores it", async () => {
    const port = (target.address() as AddressInfo).port;
    const { monitor } = await client.createMonitor({
      monitor: {
        name: "tcp",
        tcp: { host: "127.0.0.1", port, send: "GET / HTTP/1.0\\r\\n\\r\\n", expect: "pulsar ok" },
        intervalSeconds: 86_400,
        timeoutMs: 2000,
      },
    });
    const id = monitor?.id ?? "";
    await eventually(async () => (await resultCount(id)) > 0, {
      what: "the TCP monitor's first result",
      timeoutMs: 5000,
      intervalMs: 100,
    });
    const [result] = (await client.listCheckResults({ monitorId: id })).results;
    expect(result).toMatchObject({ up: true, statusCode: 0, remoteAddress: "127.0.0.1" });
    expect(result?.answer).toContain("pulsar ok");
    expect(result?.timing?.connectMs).toBeGreaterThan(0);
    expect((await client.getMonitor({ id })).monitor?.status).toBe(MonitorStatus.UP);
  });

  it("checks a new monitor at once and stores the result with its waterfall", async () => {
    // A day's interval: the scheduled slot (a random offset in it) cannot fall within the test
    // and add a second check to the stats asserted below.
    const id = await createChecked("first", client, 86_400);
    const [result] = (await client.listCheckResults({ monitorId: id })).results;
    expect(result).toMatchObject({
      monitorId: id,
      up: true,
      statusCode: 200,
      region: REGION,
      responseBytes: 9n,
    });
    expect(result?.timing?.totalMs).toBeGreaterThan(0);
    expect(result?.scheduledAt).toBeDefined();
    const { monitor } = await client.getMonitor({ id });
    expect(monitor?.status).toBe(MonitorStatus.UP);
    expect(monitor?.lastResult?.statusCode).toBe(200);
    const { stats } = await client.getMonitorStats({ monitorId: id, window: "1h" });
    expect(stats).toMatchObject({ checks: 1n, failures: 0n, uptimeRatio: 1 });
  });

  it("sends a User-Agent naming its version and region, unless the monitor sets its own", async () => {
    userAgents.length = 0;
    await createChecked("default agent", client, 86_400);
    const { monitor } = await client.createMonitor({
      monitor: {
        name: "own agent",
        url: targetUrl,
        headers: { "User-Agent": "probe/7" },
        intervalSeconds: 86_400,
        timeoutMs: 2000,
      },
    });
    await eventually(async () => (await resultCount(monitor?.id ?? "")) > 0, {
      what: "the first result of the monitor with its own User-Agent",
      timeoutMs: 5000,
      intervalMs: 100,
    });
    // A TCP monitor's bytes, parsed by the target as a request without one, leave undefined.
    expect(new Set(userAgents.filter((agent) => agent !== undefined))).toEqual(
      new Set(["Pulsar/1.2.3 (+region test-region)", "probe/7"]),
    );
  });

  it("checks a monitor of two regions in each, their checks at the same time", async () => {
    const otherQueue = createCheckQueue(bullConnection, queue.opts.prefix ?? "", "other-region");
    const other = startCheckWorker({
      pool: db.pool,
      bullConnection,
      redis,
      queue: otherQueue,
      prefix: queue.opts.prefix ?? "",
      runCheck: createCheckRunner({ identity: { region: "other-region", version: "1.2.3" } }),
      concurrency: 10,
      region: "other-region",
      defaultRegion: REGION,
      reconcileEveryMs: 300,
      log: silentLogger,
    });
    try {
      userAgents.length = 0;
      const { monitor } = await client.createMonitor({
        monitor: {
          name: "two regions",
          url: `${targetUrl}slow`,
          intervalSeconds: 86_400,
          timeoutMs: 2000,
          regions: [REGION, "other-region"],
        },
      });
      const regionsChecked = async () =>
        (await client.listCheckResults({ monitorId: monitor?.id ?? "" })).results
          .map((r) => r.region)
          .sort();
      // The immediate checks of both regions, queued together: neither skips the other.
      await eventually(async () => (await regionsChecked()).length === 2, {
        what: "a result of each region",
        timeoutMs: 5000,
        intervalMs: 100,
      });
      expect(await regionsChecked()).toEqual(["other-region", REGION]);
      expect(new Set(userAgents)).toEqual(
        new Set(["Pulsar/1.2.3 (+region test-region)", "Pulsar/1.2.3 (+region other-region)"]),
      );
    } finally {
      await other.close();
      await otherQueue.obliterate({ force: true });
      await otherQueue.close();
    }
  });

  it("checks the monitors of every organization alike, publishing each result to its own", async () => {
    const [ours, theirs] = await Promise.all([
      createChecked("acme's"),
      createChecked("globex's", otherClient),
    ]);
    const { monitor } = await otherClient.getMonitor({ id: theirs });
    expect(monitor?.status).toBe(MonitorStatus.UP);
    // Published once stored, each to the organization its own transaction read.
    const orgsOf = (id: string) =>
      new Set(published.filter((p) => p.monitorId === id).map((p) => p.orgId));
    await eventually(() => orgsOf(ours).size > 0 && orgsOf(theirs).size > 0, {
      what: "both results published",
      timeoutMs: 2000,
      intervalMs: 100,
    });
    expect(orgsOf(ours)).toEqual(new Set([acmeOrgId]));
    expect(orgsOf(theirs)).toEqual(new Set([globexOrgId]));
  });

  it("stops checking paused and deleted monitors while others go on", async () => {
    const [paused, deleted, control] = await Promise.all([
      createChecked("paused"),
      createChecked("deleted"),
      createChecked("control"),
    ]);
    await client.pauseMonitor({ id: paused });
    const pausedAtMs = Date.now();
    await client.deleteMonitor({ id: deleted });
    const before = { control: await resultCount(control) };
    // One interval (10 s) and a little: the control monitor gets its scheduled check.
    await eventually(async () => (await resultCount(control)) > before.control, {
      what: "a scheduled check of the control monitor",
      timeoutMs: 12_000,
      intervalMs: 100,
    });
    // A check of a slot that came before the pause may still be running and land afterwards;
    // none of a later slot runs.
    const pausedResults = (await client.listCheckResults({ monitorId: paused, limit: 100 }))
      .results;
    expect(pausedResults.length).toBeGreaterThan(0);
    for (const result of pausedResults) {
      const slot = result.scheduledAt ?? result.checkedAt;
      expect(timestampMs(required(slot))).toBeLessThanOrEqual(pausedAtMs);
    }
    // The control's newest result came from its slot on the schedule: it started close to it.
    const [scheduled] = (await client.listCheckResults({ monitorId: control, limit: 1 })).results;
    const lateness =
      timestampMs(required(scheduled?.checkedAt)) - timestampMs(required(scheduled?.scheduledAt));
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(2000);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM check_results WHERE monitor_id = $1",
      [deleted],
    );
    expect(rows[0].n).toBe(0);
    expect(await schedule.get(paused)).toBeUndefined();
    expect(await schedule.get(deleted)).toBeUndefined();
  }, 20_000);

  it("recreates the schedule after Redis loses its data, and checks resume", async () => {
    const id = await createChecked("survivor");
    const before = await resultCount(id);
    await redis.flushdb();
    expect(await schedule.get(id)).toBeUndefined();
    const entry = await eventually(() => schedule.get(id), {
      what: "the monitor to be back on the schedule",
      timeoutMs: 3000,
      intervalMs: 100,
    });
    expect(entry.intervalMs).toBe(10_000);
    await eventually(async () => (await resultCount(id)) > before, {
      what: "a check after the flush",
      timeoutMs: 12_000,
      intervalMs: 100,
    });
  }, 20_000);

  it("queues the deliveries of a monitor that went down and hands its alert to the stream", async () => {
    const channelId = await insertChannelFixture(db.pool, acmeOrgId, {
      kind: "discord",
      url: "http://127.0.0.1:1/api/webhooks/1/unused",
    });
    // Nothing listens on port 1: the first check fails, and one failure is enough.
    const { monitor } = await client.createMonitor({
      monitor: {
        name: "Refused",
        url: "http://127.0.0.1:1/",
        intervalSeconds: 10,
        timeoutMs: 2000,
        confirmations: 1,
        alertChannelIds: [channelId],
      },
    });
    const monitorId = monitor?.id ?? "";
    const alert = await eventually(() => alertEvents.find((a) => a.event.monitorId === monitorId), {
      what: "the DOWN alert",
      timeoutMs: 5000,
      intervalMs: 100,
    });
    expect(alert.orgId).toBe(acmeOrgId);
    expect(alert.event).toMatchObject({ kind: AlertKind.MONITOR_DOWN, title: "Refused is down" });
    const job = await alertQueue.getJob(deliveryJobId({ eventId: alert.event.id, channelId }));
    expect(job?.data).toEqual({ eventId: alert.event.id, channelId });
  });
});
