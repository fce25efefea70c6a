import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { MonitorStatus } from "../../../gen/pulsar/v1/monitor_pb.js";
import { createTestOrg, type TestOrg } from "../../../test/support/accounts.js";
import { eventually } from "../../../test/support/eventually.js";
import { resultFixture, specFixture } from "../../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import {
  bearerHeaders,
  connectClient,
  type GatewayServer,
  hostSample,
  listenGateway,
  type TestClient,
} from "../../../test/support/stream-clients.js";
import { insertMonitor } from "../../checks/monitors/monitors.js";
import { storeCheckResults } from "../../checks/results/store-check-results.js";
import { silentLogger } from "../../core/logger.js";
import { createRedis } from "../../redis/redis.js";
import { createStreamPublisher, type StreamPublisher } from "../../stream/publisher.js";
import { hostRingKey, hostsKey, SHARED_SCOPE } from "../../stream/topics.js";

let db: TestDatabase;
let redis: Redis;
let subscriber: Redis;
let publisher: StreamPublisher;
let served: GatewayServer;
let org: TestOrg;
const prefix = uniquePrefix("ws");
const clients: TestClient[] = [];
const T0 = Date.parse("2026-11-24T12:00:00Z");

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "ws-test");
  subscriber = createRedis(TEST_REDIS_URL, "bullmq", "ws-test-sub");
  publisher = createStreamPublisher(redis, prefix);
  org = await createTestOrg(db.pool);
  served = await listenGateway({ pool: db.pool, subscriber, redis, prefix, log: silentLogger });
});

afterEach(() => {
  for (const client of clients.splice(0)) client.socket.terminate();
});

afterAll(async () => {
  await served.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  subscriber.disconnect();
  redis.disconnect();
  await db.drop();
});

/** connect opens a client of `org`, whose hosts (and the shared ones) these tests publish. */
async function connect(): Promise<TestClient> {
  const client = await connectClient(served.url, bearerHeaders(org.apiToken));
  clients.push(client);
  return client;
}

describe("the stream gateway", () => {
  it("replays a host's last 100 samples oldest first, then sends live ones", async () => {
    for (let i = 0; i < 150; i++) {
      await publisher.publishHostSample(
        hostSample("replay-host", T0 + i * 1000, { hostname: `s${i}` }),
        org.orgId,
      );
    }
    const client = await connect();
    client.send({ subscribe: ["host:replay-host"] });
    const replayed = await client.waitFor((f) => f.length >= 100);
    expect(replayed.every((f) => f.replay === true && f.topic === "host:replay-host")).toBe(true);
    expect(replayed.map((f) => f.hostSample?.hostname)).toEqual(
      Array.from({ length: 100 }, (_, i) => `s${i + 50}`),
    );

    await publisher.publishHostSample(
      hostSample("replay-host", T0 + 150_000, { hostname: "s150" }),
      org.orgId,
    );
    const [live] = (await client.waitFor((f) => f.length === 101)).slice(100);
    expect(live).toMatchObject({
      topic: "host:replay-host",
      replay: false,
      hostSample: { hostname: "s150" },
    });
  });

  it("sends an event once per matching subscription, topic set to the subscription", async () => {
    await publisher.publishHostSample(hostSample("multi-a", T0), org.orgId);
    // A shared host: visible to every organization (shared hosts are on).
    await publisher.publishHostSample(hostSample("multi-b", T0), undefined);
    const client = await connect();
    client.send({ subscribe: ["hosts", "host:multi-a"] });
    // hosts replays every ring of the organization and the shared ones, earlier tests' hosts
    // included; host:multi-a its own.
    let expected = 1;
    for (const scope of [org.orgId, SHARED_SCOPE]) {
      for (const id of await redis.smembers(hostsKey(prefix, scope))) {
        expected += Math.min(100, await redis.llen(hostRingKey(prefix, scope, id)));
      }
    }
    await client.waitFor((f) => f.length === expected);
    expect(client.frames.every((f) => f.replay)).toBe(true);
    const before = client.frames.length;

    await publisher.publishHostSample(hostSample("multi-a", T0 + 1000), org.orgId);
    await publisher.publishHostSample(hostSample("multi-b", T0 + 1000), undefined);
    const live = (await client.waitFor((f) => f.length >= before + 3)).slice(before);
    expect(live.map((f) => [f.topic, f.hostSample?.hostId, f.replay]).sort()).toEqual([
      ["host:multi-a", "multi-a", false],
      ["hosts", "multi-a", false],
      ["hosts", "multi-b", false],
    ]);
  });

  it("replays every monitor's last result from monitor_state, then relays live results", async () => {
    const [a, b] = [
      await insertMonitor(db.pool, org.orgId, specFixture()),
      await insertMonitor(db.pool, org.orgId, specFixture()),
    ];
    await insertMonitor(db.pool, org.orgId, specFixture({ name: "never checked" }));
    await storeCheckResults(db.pool, [
      resultFixture({ monitorId: a.id, checkedAtMs: Date.now() - 2000 }),
      resultFixture({ monitorId: b.id, checkedAtMs: Date.now() - 1000, up: false }),
    ]);
    const client = await connect();
    client.send({ subscribe: ["monitors", `monitor:${b.id.toUpperCase()}`] });
    const replayed = await client.waitFor((f) => f.length >= 3);
    expect(
      replayed
        .filter((f) => f.topic === "monitors")
        .map((f) => f.checkResult?.monitorId)
        .sort(),
    ).toEqual([a.id, b.id].sort());
    // Monitor ids are matched case-insensitively; frames carry the canonical lower-case topic.
    expect(replayed.filter((f) => f.topic === `monitor:${b.id}`)).toMatchObject([
      { replay: true, checkResult: { monitorId: b.id } },
    ]);

    await publisher.publishCheckResults(
      [resultFixture({ monitorId: a.id, checkedAtMs: Date.now() })],
      new Map([[a.id, org.orgId]]),
      new Map([[a.id, MonitorStatus.DOWN]]),
    );
    const [live] = (await client.waitFor((f) => f.length === 4)).slice(3);
    // With the status its batch decided (the regions' verdict for a monitor of several).
    expect(live).toMatchObject({
      topic: "monitors",
      replay: false,
      checkResult: { monitorId: a.id },
      monitorStatus: "MONITOR_STATUS_DOWN",
    });
  });

  it("subscribes without a replay when asked with subscribeLive", async () => {
    const monitor = await insertMonitor(db.pool, org.orgId, specFixture());
    await storeCheckResults(db.pool, [
      resultFixture({ monitorId: monitor.id, checkedAtMs: Date.now() - 1000 }),
    ]);
    const client = await connect();
    client.send({ subscribeLive: ["monitors"] });
    await eventually(
      async () => {
        await publisher.publishCheckResults(
          [resultFixture({ monitorId: monitor.id, checkedAtMs: Date.now() })],
          new Map([[monitor.id, org.orgId]]),
        );
        return client.frames.length > 0;
      },
      { what: "the client to receive a live result" },
    );
    // Only live frames: the stored last result was not replayed.
    expect(client.frames.every((f) => f.topic === "monitors" && f.replay === false)).toBe(true);
  });

  it("stops delivering a topic once the client unsubscribes", async () => {
    await publisher.publishHostSample(hostSample("unsub-c", T0), org.orgId);
    const client = await connect();
    client.send({ subscribe: ["host:unsub-a", "host:unsub-b"] });
    await eventually(
      async () => {
        await publisher.publishHostSample(hostSample("unsub-a", Date.now()), org.orgId);
        return client.frames.some((x) => x.topic === "host:unsub-a");
      },
      { what: "the client to receive a live host:unsub-a sample" },
    );

    // Frames from one client are applied in order: once host:unsub-c's replay arrives, the
    // unsubscribe before it has been applied.
    client.send({ unsubscribe: ["host:unsub-a"] });
    client.send({ subscribe: ["host:unsub-c"] });
    await client.waitFor((f) => f.some((x) => x.topic === "host:unsub-c"));
    const seen = client.frames.length;
    await publisher.publishHostSample(hostSample("unsub-a", Date.now() + 1000), org.orgId);
    await publisher.publishHostSample(hostSample("unsub-b", Date.now() + 1000), org.orgId);
    const after = (await client.waitFor((f) => f.length > seen)).slice(seen);
    expect(after.map((f) => f.topic)).toEqual(["host:unsub-b"]);
  });

  it("refuses upgrades on a path other than /ws with 404", async () => {
    const socket = new WebSocket(served.url.replace("/ws", "/other"), {
      headers: bearerHeaders(org.apiToken),
    });
    const refused = await new Promise<string>((resolve) =>
      socket.once("error", (e) => resolve(e.message)),
    );
    expect(refused).toMatch(/404/);
  });
});
