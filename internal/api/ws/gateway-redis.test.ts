import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../../../test/support/accounts.js";
import { eventually } from "../../../test/support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import {
  bearerHeaders,
  connectClient,
  hostSample,
  listenGateway,
} from "../../../test/support/stream-clients.js";
import { revocationChannel } from "../../auth/revocations.js";
import { silentLogger } from "../../core/logger.js";
import { freePort } from "../../launcher/free-port.js";
import { redisAnswers } from "../../launcher/private-redis.js";
import { createRedis } from "../../redis/redis.js";
import { createStreamPublisher } from "../../stream/publisher.js";

let db: TestDatabase;
/** The handshake headers of an organization's client (shared hosts are on: it sees them). */
let auth: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  auth = bearerHeaders((await createTestOrg(db.pool)).apiToken);
});

afterAll(async () => {
  await db.drop();
});

/** A redis-server of this test's own, so restarting it disturbs no other test. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  await eventually(() => redisAnswers(`redis://127.0.0.1:${port}`), {
    what: `a redis-server on port ${port} to answer`,
    intervalMs: 50,
  });
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

describe("the stream gateway's Redis subscription", () => {
  it("delivers again after Redis restarts, without any help", async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    let server = await startRedis(port);
    const redis = createRedis(url, "command", "ws-restart");
    const subscriber = createRedis(url, "bullmq", "ws-restart-sub");
    const prefix = uniquePrefix("ws-restart");
    const publisher = createStreamPublisher(redis, prefix);
    const served = await listenGateway({
      pool: db.pool,
      subscriber,
      redis,
      prefix,
      log: silentLogger,
    });
    try {
      const client = await connectClient(served.url, auth);
      client.send({ subscribe: ["host:phoenix"] });
      await eventually(
        async () => {
          await publisher.publishHostSample(
            hostSample("phoenix", Date.now(), { hostname: "before" }),
            undefined,
          );
          return client.frames.some((x) => x.hostSample?.hostname === "before" && !x.replay);
        },
        { what: "the client to receive a live sample before the restart" },
      );

      await stopRedis(server);
      server = await startRedis(port);
      // The new server knows only the subscriptions ioredis re-issued on reconnecting.
      const probe = createRedis(url, "command", "ws-restart-probe");
      await eventually(async () => Number(await probe.call("PUBSUB", "NUMPAT")) >= 1, {
        what: "the gateway's pattern subscription to be re-issued on the new server",
        timeoutMs: 10_000,
        intervalMs: 50,
      }).finally(() => probe.disconnect());
      await publisher.publishHostSample(
        hostSample("phoenix", Date.now(), { hostname: "after" }),
        undefined,
      );
      const frames = await client.waitFor((f) => f.some((x) => x.hostSample?.hostname === "after"));
      expect(frames.at(-1)).toMatchObject({ topic: "host:phoenix", replay: false });
      client.socket.terminate();
    } finally {
      await served.close();
      subscriber.disconnect();
      redis.disconnect();
      await stopRedis(server);
    }
  });

  it("keeps its subscriptions when built while the connection is still in its handshake", async () => {
    const prefix = uniquePrefix("ws-handshake");
    const redis = createRedis(TEST_REDIS_URL, "command", "ws-handshake");
    const subscriber = createRedis(TEST_REDIS_URL, "bullmq", "ws-handshake-sub");
    // 'connect' is emitted once the socket is open and before ioredis's own handshake (client
    // name, ready check): the gateway is built right in it.
    await new Promise((resolve) => subscriber.once("connect", resolve));
    expect(subscriber.status).toBe("connect");
    const served = await listenGateway({
      pool: db.pool,
      subscriber,
      redis,
      prefix,
      log: silentLogger,
    });
    try {
      const publisher = createStreamPublisher(redis, prefix);
      await publisher.publishHostSample(hostSample("early", Date.now()), undefined);
      const client = await connectClient(served.url, auth);
      // The replay (one sample) arrives after the subscription is registered: a barrier.
      client.send({ subscribe: ["host:early"] });
      await client.waitFor((f) => f.length === 1);
      await publisher.publishHostSample(hostSample("early", Date.now() + 1000), undefined);
      const [, live] = await client.waitFor((f) => f.length === 2);
      expect(live).toMatchObject({ topic: "host:early", replay: false });
      // The revocation channel is still subscribed too.
      expect(await redis.call("PUBSUB", "NUMSUB", revocationChannel(prefix))).toEqual([
        revocationChannel(prefix),
        1,
      ]);
      client.socket.terminate();
    } finally {
      await served.close();
      subscriber.disconnect();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it("lets two API processes' gateways each deliver every event", async () => {
    const prefix = uniquePrefix("ws-two");
    const redis = createRedis(TEST_REDIS_URL, "command", "ws-two");
    const subscribers = [1, 2].map((i) => createRedis(TEST_REDIS_URL, "bullmq", `ws-two-sub${i}`));
    const gateways = await Promise.all(
      subscribers.map((subscriber) =>
        listenGateway({ pool: db.pool, subscriber, redis, prefix, log: silentLogger }),
      ),
    );
    try {
      const publisher = createStreamPublisher(redis, prefix);
      await publisher.publishHostSample(hostSample("twin-pre", Date.now()), undefined);
      const clients = await Promise.all(gateways.map((g) => connectClient(g.url, auth)));
      // The replay (one sample) arrives after the subscription is registered: a barrier.
      for (const client of clients) client.send({ subscribe: ["hosts"] });
      for (const client of clients) await client.waitFor((f) => f.length === 1);
      for (let i = 0; i < 10; i++) {
        await publisher.publishHostSample(hostSample(`twin-${i % 3}`, Date.now() + i), undefined);
      }
      for (const client of clients) {
        const frames = (await client.waitFor((f) => f.length === 11)).slice(1);
        expect(frames.every((f) => f.topic === "hosts" && !f.replay)).toBe(true);
        expect(frames.map((f) => f.hostSample?.hostId)).toEqual(
          Array.from({ length: 10 }, (_, i) => `twin-${i % 3}`),
        );
        client.socket.terminate();
      }
    } finally {
      for (const served of gateways) await served.close();
      for (const subscriber of subscribers) subscriber.disconnect();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
