import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type Client, createClient, createRouterTransport } from "@connectrpc/connect";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MaintenanceService } from "../../gen/pulsar/v1/maintenance_pb.js";
import { MonitorService, MonitorStatus } from "../../gen/pulsar/v1/monitor_pb.js";
import { bearer, createTestOrg } from "../../test/support/accounts.js";
import { insertChannelFixture } from "../../test/support/alert-fixtures.js";
import { eventually } from "../../test/support/eventually.js";
import { type FakeDiscord, startFakeDiscord } from "../../test/support/fake-discord.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { startHttpTarget, type TestTarget } from "../../test/support/targets.js";
import { type AlertQueue, createAlertQueue } from "../alerts/delivery/alert-queue.js";
import {
  type AlertDeliveryWorker,
  startAlertDeliveryWorker,
} from "../alerts/delivery/delivery-worker.js";
import { createAlertHandOut } from "../alerts/hand-out.js";
import { createApi } from "../api/app.js";
import { type CheckWorker, startCheckWorker } from "../checks/check-worker.js";
import { runCheck } from "../checks/http/index.js";
import { type CheckQueue, createCheckQueue, LOCAL_REGION } from "../checks/queue/check-queue.js";
import { createCheckSchedule } from "../checks/queue/check-schedule.js";
import { createMonitorScheduler } from "../checks/queue/schedules.js";
import { silentLogger } from "../core/logger.js";
import { createRedis } from "../redis/redis.js";
import { type MaintenanceIndex, startMaintenanceIndex } from "./maintenance-index.js";

// A real worker checks a local target that answers 500, with alerts delivered to a local fake
// Discord: inside a maintenance window nothing is sent, the monitor shows MAINTENANCE, its
// results are stored marked and left out of uptime; once the window ends it alerts.

const MAINTENANCE_REFRESH_MS = 200;

let db: TestDatabase;
let target: TestTarget;
let fake: FakeDiscord;
let bullConnection: Redis;
let redis: Redis;
let queue: CheckQueue;
let alertQueue: AlertQueue;
let worker: CheckWorker;
let maintenance: MaintenanceIndex;
let alertWorker: AlertDeliveryWorker;
let monitors: Client<typeof MonitorService>;
let maintenances: Client<typeof MaintenanceService>;
let channelId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  [target, fake] = await Promise.all([startHttpTarget(), startFakeDiscord()]);
  const prefix = uniquePrefix("maintenance-worker");
  bullConnection = createRedis(TEST_REDIS_URL, "bullmq", "maintenance-worker-test");
  redis = createRedis(TEST_REDIS_URL, "command", "maintenance-worker-test-locks");
  queue = createCheckQueue(bullConnection, prefix);
  alertQueue = createAlertQueue(bullConnection, prefix);
  maintenance = startMaintenanceIndex(
    { pool: db.pool, log: silentLogger },
    { refreshEveryMs: MAINTENANCE_REFRESH_MS },
  );
  worker = startCheckWorker({
    pool: db.pool,
    bullConnection,
    redis,
    queue,
    prefix,
    runCheck,
    concurrency: 4,
    // The region of the schedule and queue above: a monitor listing none is checked there.
    region: LOCAL_REGION,
    defaultRegion: LOCAL_REGION,
    reconcileEveryMs: 1000,
    handOut: createAlertHandOut({ queue: alertQueue, log: silentLogger }),
    inMaintenance: maintenance.covers,
    log: silentLogger,
  });
  alertWorker = startAlertDeliveryWorker({
    db: db.pool,
    bullConnection,
    queue: alertQueue,
    prefix,
    sweepEveryMs: 3_600_000,
    log: silentLogger,
  });
  const api = createApi({
    pool: db.pool,
    redis,
    prefix,
    scheduler: createMonitorScheduler({ schedule: createCheckSchedule(redis, prefix), queue }),
    log: silentLogger,
  });
  const org = await createTestOrg(db.pool, "Maintained");
  const transport = createRouterTransport(api.routes, {
    transport: { interceptors: [bearer(org.apiToken)] },
  });
  monitors = createClient(MonitorService, transport);
  maintenances = createClient(MaintenanceService, transport);
  channelId = await insertChannelFixture(db.pool, org.orgId, {
    kind: "discord",
    url: fake.webhookUrl(),
  });
});

afterAll(async () => {
  await worker?.close();
  await maintenance?.stop();
  await alertWorker?.close();
  await queue?.obliterate({ force: true });
  await alertQueue?.obliterate({ force: true });
  await queue?.close();
  await alertQueue?.close();
  bullConnection?.disconnect();
  redis?.disconnect();
  await Promise.all([target?.close(), fake?.close()]);
  await db?.drop();
});

interface StoredRow {
  up: boolean;
  maintenance: boolean;
}

async function storedResults(monitorId: string): Promise<StoredRow[]> {
  const { rows } = await db.pool.query<StoredRow>(
    "SELECT up, maintenance FROM check_results WHERE monitor_id = $1 ORDER BY checked_at",
    [monitorId],
  );
  return rows;
}

const statusOf = async (id: string) => (await monitors.getMonitor({ id })).monitor?.status;

describe("a failing monitor in a maintenance window", () => {
  it("sends nothing, shows maintenance, stores its results marked and out of uptime, then alerts once the window ends", async () => {
    // Created paused, so that its first check waits for the window to be in force.
    const { monitor } = await monitors.createMonitor({
      monitor: {
        name: "failing",
        url: `${target.url}/status/500`,
        intervalSeconds: 10,
        timeoutMs: 2000,
        confirmations: 1,
        alertChannelIds: [channelId],
        enabled: false,
      },
    });
    const id = monitor?.id ?? "";
    const now = Date.now();
    const { maintenance } = await maintenances.createMaintenance({
      maintenance: {
        title: "Planned outage",
        monitorIds: [id],
        startsAt: timestampFromDate(new Date(now - 60_000)),
        endsAt: timestampFromDate(new Date(now + 3_600_000)),
      },
    });
    // Two refreshes of the workers' index: the window is in it.
    await new Promise((resolve) => setTimeout(resolve, 3 * MAINTENANCE_REFRESH_MS));
    await monitors.resumeMonitor({ id });

    // The immediate check and the next, 10 s later: both failed, both marked.
    await eventually(async () => (await storedResults(id)).length >= 2, {
      what: "two checks during the window",
      timeoutMs: 20_000,
    });
    const during = await storedResults(id);
    expect(during.every((r) => !r.up && r.maintenance)).toBe(true);
    expect(await statusOf(id)).toBe(MonitorStatus.MAINTENANCE);
    const listed = await monitors.listMonitors({});
    expect(listed.monitors.find((m) => m.id === id)?.status).toBe(MonitorStatus.MAINTENANCE);
    // The API marks them too.
    const { results } = await monitors.listCheckResults({ monitorId: id });
    expect(results.every((r) => r.maintenance)).toBe(true);
    // Out of uptime: the rollups count them apart, and the stats see no checks.
    const { rows: rollups } = await db.pool.query<{
      checks: number;
      failures: number;
      maintenance_checks: number;
    }>(
      `SELECT sum(checks)::int AS checks, sum(failures)::int AS failures,
        sum(maintenance_checks)::int AS maintenance_checks
       FROM check_rollups_hourly WHERE monitor_id = $1`,
      [id],
    );
    expect(rollups[0]).toEqual({ checks: 0, failures: 0, maintenance_checks: during.length });
    const { stats } = await monitors.getMonitorStats({ monitorId: id, window: "1h" });
    expect(stats?.checks).toBe(0n);
    expect(stats?.failures).toBe(0n);
    // Nothing reached Discord, nor was decided (a delivery would have been sent by now).
    const { rows: events } = await db.pool.query(
      "SELECT kind FROM alert_events WHERE monitor_id = $1",
      [id],
    );
    expect(events).toEqual([]);
    expect(fake.posts()).toEqual([]);

    // End the window now: the next check counts, and with one confirmation it alerts.
    await maintenances.updateMaintenance({
      id: maintenance?.id ?? "",
      maintenance: {
        title: "Planned outage",
        monitorIds: [id],
        startsAt: timestampFromDate(new Date(now - 60_000)),
        endsAt: timestampFromDate(new Date()),
      },
    });
    expect(await statusOf(id)).not.toBe(MonitorStatus.MAINTENANCE);
    const [post] = await fake.waitForPosts(1, { timeoutMs: 25_000 });
    expect(JSON.stringify(post?.json)).toContain("failing");
    const after = await storedResults(id);
    expect(after.at(-1)).toEqual({ up: false, maintenance: false });
    expect(await statusOf(id)).toBe(MonitorStatus.DOWN);
  }, 60_000);
});
