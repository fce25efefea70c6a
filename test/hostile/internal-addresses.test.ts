import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Code, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertService } from "../../gen/pulsar/v1/alert_pb.js";
import { type AlertQueue, createAlertQueue } from "../../internal/alerts/delivery/alert-queue.js";
import {
  type AlertDeliveryWorker,
  startAlertDeliveryWorker,
} from "../../internal/alerts/delivery/delivery-worker.js";
import { createAlertHandOut } from "../../internal/alerts/hand-out.js";
import { createApi } from "../../internal/api/app.js";
import { insertMonitor } from "../../internal/checks/monitors/monitors.js";
import { type CheckQueue, createCheckQueue } from "../../internal/checks/queue/check-queue.js";
import { createCheckSchedule } from "../../internal/checks/queue/check-schedule.js";
import { createMonitorScheduler } from "../../internal/checks/queue/schedules.js";
import { storeCheckResults } from "../../internal/checks/results/store-check-results.js";
import { silentLogger } from "../../internal/core/logger.js";
import { policyFor } from "../../internal/netpolicy/address-policy.js";
import { createGuardedFetch, type GuardedFetch } from "../../internal/netpolicy/guarded-fetch.js";
import { createRedis } from "../../internal/redis/redis.js";
import { refusal as failure } from "../../test/support/refusal.js";
import { bearer, createTestOrg, type TestOrg } from "../support/accounts.js";
import { insertChannelFixture, resultsFixture } from "../support/alert-fixtures.js";
import { listenApi } from "../support/api-server.js";
import { eventually } from "../support/eventually.js";
import { specFixture } from "../support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../support/redis.js";

// An installation that lets checks and alerts reach its own network
// (PULSAR_BLOCK_PRIVATE_TARGETS=false): an organization may point a channel at an internal
// service, but never at the cloud metadata service, and it never reads an internal service's
// answers back through TestChannel or a delivery's recorded error.

const SECRET = "internal-only-7d2f9c-do-not-leak";
const MINUTE = 60_000;

let db: TestDatabase;
let redis: Redis;
let bullConnection: Redis;
let checkQueue: CheckQueue;
let alertQueue: AlertQueue;
let lan: GuardedFetch;
let api: Awaited<ReturnType<typeof listenApi>>;
let worker: AlertDeliveryWorker;
let org: TestOrg;
let alerts: ReturnType<typeof createClient<typeof AlertService>>;
// An internal service on loopback: it answers every POST with an error that holds a secret,
// in its reason phrase and its body.
let internal: Server;
let internalUrl: string;
let posts = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  const prefix = uniquePrefix("internal-addresses");
  redis = createRedis(TEST_REDIS_URL, "command", "internal-addresses-test");
  bullConnection = createRedis(TEST_REDIS_URL, "bullmq", "internal-addresses-test-bull");
  checkQueue = createCheckQueue(bullConnection, prefix);
  alertQueue = createAlertQueue(bullConnection, prefix);
  lan = createGuardedFetch(policyFor(false));
  internal = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      posts += 1;
      // 400: a delivery fails at once instead of retrying for minutes.
      const status = req.url === "/hook-400" ? 400 : 500;
      res.writeHead(status, `Internal ${SECRET}`, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `database password is ${SECRET}`, error: SECRET }));
    });
  });
  await new Promise<void>((resolve) => internal.listen(0, "127.0.0.1", resolve));
  internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
  api = await listenApi(
    createApi({
      pool: db.pool,
      redis,
      prefix,
      scheduler: createMonitorScheduler({
        schedule: createCheckSchedule(redis, prefix),
        queue: checkQueue,
      }),
      log: silentLogger,
      alerts: { blockPrivateTargets: false, fetch: lan.fetch },
    }),
  );
  worker = startAlertDeliveryWorker({
    db: db.pool,
    bullConnection,
    queue: alertQueue,
    prefix,
    log: silentLogger,
    fetch: lan.fetch,
    sweepEveryMs: 3_600_000,
  });
  org = await createTestOrg(db.pool);
  alerts = createClient(
    AlertService,
    createConnectTransport({
      baseUrl: api.baseUrl,
      httpVersion: "1.1",
      interceptors: [bearer(org.apiToken)],
    }),
  );
});

afterAll(async () => {
  await worker.close();
  await alertQueue.obliterate({ force: true });
  await checkQueue.obliterate({ force: true });
  await Promise.all([alertQueue.close(), checkQueue.close()]);
  await api.close();
  await lan.close();
  internal.closeAllConnections();
  await new Promise((resolve) => internal.close(resolve));
  bullConnection.disconnect();
  redis.disconnect();
  await db.drop();
});

describe("alert channels on an installation that reaches its own network", () => {
  it("refuse a metadata address at CreateChannel, without naming a setting as the cure", async () => {
    for (const url of [
      "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
      "http://[fd00:ec2::254]/latest/",
      "http://100.100.100.200/latest/meta-data/",
      "http://[::ffff:169.254.169.254]/",
    ]) {
      const [code, message] = await failure(
        alerts.createChannel({
          channel: { name: "meta", kind: { case: "webhook", value: { url, secret: SECRET } } },
        }),
      );
      expect(code, url).toBe(Code.InvalidArgument);
      expect(message, url).toMatch(
        /^channel\.webhook\.url must not be a link-local or cloud metadata address: /,
      );
      expect(message, url).not.toContain("PULSAR_BLOCK_PRIVATE_TARGETS");
    }
    expect((await alerts.listChannels({})).channels).toEqual([]);
  });

  it("send TestChannel to an internal service, and answer only its status code", async () => {
    const { channel } = await alerts.createChannel({
      channel: {
        name: "internal",
        kind: { case: "webhook", value: { url: `${internalUrl}/hook`, secret: SECRET } },
      },
    });
    const before = posts;
    const outcome = await alerts.testChannel({ id: channel?.id ?? "" });
    expect(posts).toBe(before + 1);
    expect(outcome).toMatchObject({
      delivered: false,
      statusCode: 500,
      error: "The webhook answered 500",
    });
    // Nor in the history the organization reads.
    const { events } = await alerts.listAlertEvents({});
    expect(JSON.stringify(events.map((e) => e.deliveries))).not.toContain(SECRET);
    expect(events[0]?.deliveries[0]?.error).toBe("The webhook answered 500");
  });

  it("record a failed delivery to an internal service with its status code only", async () => {
    const channelId = await insertChannelFixture(db.pool, org.orgId, {
      kind: "webhook",
      url: `${internalUrl}/hook-400`,
      secret: SECRET,
    });
    const monitor = await insertMonitor(
      db.pool,
      org.orgId,
      specFixture({ name: "Internal API", alertChannelIds: [channelId] }),
    );
    const handOut = createAlertHandOut({ queue: alertQueue, log: silentLogger });
    for (const result of resultsFixture(monitor.id, "dd", Date.now() - 30 * MINUTE)) {
      await handOut((await storeCheckResults(db.pool, [result])).alertEvents);
    }
    const rows = await eventually(
      async () => {
        const { rows } = await db.pool.query<{ status: string; error: string }>(
          "SELECT status, error FROM alert_deliveries WHERE channel_id = $1",
          [channelId],
        );
        return rows.length > 0 && rows.every((row) => row.status === "failed") && rows;
      },
      { what: "the delivery to the internal service to fail", timeoutMs: 20_000, intervalMs: 50 },
    );
    expect(rows).toEqual([{ status: "failed", error: "The webhook answered 400" }]);
  });
});
