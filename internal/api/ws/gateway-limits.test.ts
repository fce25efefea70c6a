import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../../../test/support/accounts.js";
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
import { silentLogger } from "../../core/logger.js";
import { createRedis } from "../../redis/redis.js";
import { createStreamPublisher, type StreamPublisher } from "../../stream/publisher.js";

let db: TestDatabase;
/** The handshake headers of an organization's client (shared hosts are on: it sees them). */
let auth: Record<string, string>;
let redis: Redis;
let subscriber: Redis;
let publisher: StreamPublisher;
let served: GatewayServer;
const prefix = uniquePrefix("ws-limits");
const clients: TestClient[] = [];
const BUDGET = 256 * 1024;

beforeAll(async () => {
  db = await createTestDatabase();
  auth = bearerHeaders((await createTestOrg(db.pool)).apiToken);
  redis = createRedis(TEST_REDIS_URL, "command", "ws-limits-test");
  subscriber = createRedis(TEST_REDIS_URL, "bullmq", "ws-limits-test-sub");
  publisher = createStreamPublisher(redis, prefix);
  served = await listenGateway({
    pool: db.pool,
    subscriber,
    redis,
    prefix,
    log: silentLogger,
    maxBufferedBytes: BUDGET,
  });
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

async function connect(): Promise<TestClient> {
  const client = await connectClient(served.url, auth);
  clients.push(client);
  return client;
}

describe("the stream gateway's limits", () => {
  it("answers each bad frame with an error frame and keeps the connection usable", async () => {
    const client = await connect();
    const bad: [object | string | Buffer, RegExp][] = [
      ["not json", /not JSON/],
      [{ subscribe: "hosts" }, /not a pulsar.v1.StreamRequest/],
      [{ subscribes: ["hosts"] }, /not a pulsar.v1.StreamRequest/],
      [{}, /neither subscribe nor unsubscribe/],
      [{ subscribe: ["hosts", "planets"] }, /unknown topic "planets"/],
      [{ subscribe: ["monitor:nope"] }, /monitor id must be a UUID/],
      [
        { subscribe: Array.from({ length: 101 }, (_, i) => `host:h${i}`) },
        /101 topics; the limit is 100/,
      ],
      [
        { subscribe: [`host:${"x".repeat(100)}`], padding: "y".repeat(20_000) },
        /bytes; the limit is 16384/,
      ],
      [Buffer.from("{}"), /frames must be text/],
    ];
    for (const [frame, message] of bad) {
      const seen = client.frames.length;
      if (Buffer.isBuffer(frame)) client.socket.send(frame, { binary: true });
      else client.send(frame);
      const [reply] = (await client.waitFor((f) => f.length > seen)).slice(seen);
      expect(reply).toMatchObject({
        topic: "",
        replay: false,
        error: { code: "invalid_argument" },
      });
      expect(reply?.error?.message).toMatch(message);
    }

    // Nothing of the rejected frames was applied: host:h0 (in the 101) is not subscribed.
    client.send({ subscribe: ["host:limits-ok"] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const seen = client.frames.length;
    await publisher.publishHostSample(hostSample("h0", Date.now()), undefined);
    await publisher.publishHostSample(hostSample("limits-ok", Date.now()), undefined);
    const after = (await client.waitFor((f) => f.length > seen)).slice(seen);
    expect(after.map((f) => f.topic)).toEqual(["host:limits-ok"]);
  });

  it("closes with 1009 a frame too large to be worth reading", async () => {
    const client = await connect();
    client.send("x".repeat(70_000));
    expect((await client.closed).code).toBe(1009);
  });

  it("closes a client that stops reading with 1013 while a reading client keeps up", async () => {
    const [slow, normal] = [await connect(), await connect()];
    for (const client of [slow, normal]) client.send({ subscribe: ["host:firehose"] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    slow.socket.pause();
    // ~10 KB per frame, 12 MB in all: more than the kernel's socket buffers hold on loopback
    // (up to 4 MiB to send, ~128 KiB to receive) plus the 256 KiB budget.
    const topProcesses = Array.from({ length: 12 }, (_, i) => ({
      pid: i,
      name: "c".repeat(800),
    }));
    const count = 1200;
    for (let i = 0; i < count; i++) {
      await publisher.publishHostSample(
        hostSample("firehose", Date.now(), { topProcesses }),
        undefined,
      );
    }
    await normal.waitFor((f) => f.length === count, 20_000);
    expect(normal.socket.readyState).toBe(normal.socket.OPEN);

    slow.socket.resume();
    expect(await slow.closed).toEqual({ code: 1013, reason: "try again later" });
    expect(slow.frames.length).toBeLessThan(count);
  });

  it("drops a peer that stops answering pings", async () => {
    const ownSubscriber = createRedis(TEST_REDIS_URL, "bullmq", "ws-limits-test-sub3");
    const deps = { pool: db.pool, subscriber: ownSubscriber, redis, prefix, log: silentLogger };
    const beating = await listenGateway({ ...deps, heartbeatMs: 100 });
    const [silent, lively] = [
      await connectClient(beating.url, auth),
      await connectClient(beating.url, auth),
    ];
    silent.socket.pause(); // its pings go unread, so no pong comes back
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(beating.gateway.clientCount()).toBe(1);
    silent.socket.resume();
    expect((await silent.closed).code).toBe(1006);
    expect(lively.socket.readyState).toBe(lively.socket.OPEN);
    await beating.close();
    ownSubscriber.disconnect();
  });

  it("closes every client with 1001 on close() and refuses new connections", async () => {
    const ownSubscriber = createRedis(TEST_REDIS_URL, "bullmq", "ws-limits-test-sub2");
    const extra = await listenGateway({
      pool: db.pool,
      subscriber: ownSubscriber,
      redis,
      prefix,
      log: silentLogger,
    });
    const [a, b] = [await connectClient(extra.url, auth), await connectClient(extra.url, auth)];
    a.send({ subscribe: ["hosts"] });
    await extra.gateway.close();
    expect((await a.closed).code).toBe(1001);
    expect((await b.closed).code).toBe(1001);
    await expect(connectClient(extra.url, auth)).rejects.toThrow(/503/);
    await extra.close();
    ownSubscriber.disconnect();
  });
});
