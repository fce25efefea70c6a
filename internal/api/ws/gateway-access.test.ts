import { randomBytes, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg, type TestOrg } from "../../../test/support/accounts.js";
import { resultFixture, specFixture } from "../../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import {
  bearerHeaders,
  connectClient,
  type Frame,
  type GatewayServer,
  hostSample,
  listenGateway,
  type TestClient,
  upgradeStatus,
} from "../../../test/support/stream-clients.js";
import { insertSession } from "../../accounts/accounts.js";
import { SESSION_COOKIE } from "../../auth/cookies.js";
import { newSecret } from "../../auth/secrets.js";
import { insertMonitor } from "../../checks/monitors/monitors.js";
import { storeCheckResults } from "../../checks/results/store-check-results.js";
import { silentLogger } from "../../core/logger.js";
import { createRedis } from "../../redis/redis.js";
import { createStreamPublisher, type StreamPublisher } from "../../stream/publisher.js";

// Who may open the stream, and that an organization's events reach only its own clients.

let db: TestDatabase;
let redis: Redis;
const subscribers: Redis[] = [];
let publisher: StreamPublisher;
/** Shared hosts on (a self-hosted install). */
let served: GatewayServer;
/** Shared hosts off (PULSAR_SHARED_HOSTS=false). */
let servedPrivate: GatewayServer;
let orgA: TestOrg;
let orgB: TestOrg;
const prefix = uniquePrefix("ws-access");
const clients: TestClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "ws-access-test");
  publisher = createStreamPublisher(redis, prefix);
  [orgA, orgB] = [await createTestOrg(db.pool, "A"), await createTestOrg(db.pool, "B")];
  const listen = (sharedHosts: boolean) => {
    const subscriber = createRedis(TEST_REDIS_URL, "bullmq", "ws-access-test-sub");
    subscribers.push(subscriber);
    return listenGateway({
      pool: db.pool,
      subscriber,
      redis,
      prefix,
      sharedHosts,
      log: silentLogger,
    });
  };
  served = await listen(true);
  servedPrivate = await listen(false);
});

afterEach(() => {
  for (const client of clients.splice(0)) client.socket.terminate();
});

afterAll(async () => {
  await served.close();
  await servedPrivate.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  for (const subscriber of subscribers) subscriber.disconnect();
  redis.disconnect();
  await db.drop();
});

async function connect(url: string, org: TestOrg): Promise<TestClient> {
  const client = await connectClient(url, bearerHeaders(org.apiToken));
  clients.push(client);
  return client;
}

/** sessionCookie signs orgA's admin in: a Cookie header as a browser would send it. */
async function sessionCookie(): Promise<string> {
  const session = newSecret("session");
  await insertSession(db.pool, {
    tokenHash: session.hash,
    userId: orgA.userId,
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  return `theme=dark; ${SESSION_COOKIE}=${session.secret}`;
}

const hostIds = (frames: Frame[]) => frames.map((f) => f.hostSample?.hostId).filter(Boolean);
const monitorIds = (frames: Frame[]) => frames.map((f) => f.checkResult?.monitorId).filter(Boolean);

describe("the stream gateway's authentication", () => {
  it("refuses an upgrade without credentials with 401", async () => {
    expect(await upgradeStatus(served.url)).toBe(401);
  });

  it("refuses a forged, malformed or unknown credential with 401", async () => {
    const forged = `pulsar_api_${randomBytes(32).toString("base64url")}`;
    expect(await upgradeStatus(served.url, bearerHeaders(forged))).toBe(401);
    expect(await upgradeStatus(served.url, { authorization: "Bearer" })).toBe(401);
    expect(await upgradeStatus(served.url, { authorization: "Basic YWRtaW46YWRtaW4=" })).toBe(401);
    const session = `pulsar_session_${randomBytes(32).toString("base64url")}`;
    expect(await upgradeStatus(served.url, { cookie: `${SESSION_COOKIE}=${session}` })).toBe(401);
  });

  it("refuses a worker or agent token with 403, as the API answers permission_denied", async () => {
    for (const scope of ["worker", "agent"] as const) {
      expect(await upgradeStatus(served.url, bearerHeaders(await orgA.token(scope)))).toBe(403);
    }
  });

  it("accepts an API token and a session cookie from its own origin or a non-browser client", async () => {
    expect(await upgradeStatus(served.url, bearerHeaders(orgA.apiToken))).toBe(101);
    const cookie = await sessionCookie();
    const own = `http://${new URL(served.url).host}`;
    expect(await upgradeStatus(served.url, { cookie, origin: own })).toBe(101);
    expect(await upgradeStatus(served.url, { cookie })).toBe(101);
  });

  it("refuses a cookie-authenticated upgrade from another site with 403 (cross-site WebSocket hijacking)", async () => {
    const cookie = await sessionCookie();
    expect(await upgradeStatus(served.url, { cookie, origin: "https://evil.example" })).toBe(403);
    // Same host name, another port: another origin.
    expect(await upgradeStatus(served.url, { cookie, origin: "http://127.0.0.1:1" })).toBe(403);
    expect(await upgradeStatus(served.url, { cookie, "sec-fetch-site": "cross-site" })).toBe(403);
    // A bearer token cannot be attached by another site: its Origin does not matter.
    expect(
      await upgradeStatus(served.url, {
        ...bearerHeaders(orgA.apiToken),
        origin: "https://evil.example",
      }),
    ).toBe(101);
  });
});

describe("the stream gateway between organizations", () => {
  it("delivers none of another organization's events or replays, and no error that tells its ids from unknown ones", async () => {
    const [monitorA, monitorB] = [
      await insertMonitor(db.pool, orgA.orgId, specFixture({ name: "a" })),
      await insertMonitor(db.pool, orgB.orgId, specFixture({ name: "b" })),
    ];
    await storeCheckResults(db.pool, [
      resultFixture({ monitorId: monitorA.id, checkedAtMs: Date.now() - 2000 }),
      resultFixture({ monitorId: monitorB.id, checkedAtMs: Date.now() - 2000 }),
    ]);
    const t0 = Date.now() - 10_000;
    await publisher.publishHostSample(hostSample("a-host", t0), orgA.orgId);
    await publisher.publishHostSample(hostSample("b-host", t0), orgB.orgId);
    await publisher.publishHostSample(hostSample("s-host", t0), undefined);

    const [a, b] = [await connect(served.url, orgA), await connect(served.url, orgB)];
    const topics = [
      "hosts",
      "monitors",
      "host:a-host",
      `monitor:${monitorA.id}`,
      "host:nowhere",
      `monitor:${randomUUID()}`,
    ];
    for (const client of [a, b]) client.send({ subscribe: topics });
    // A: hosts (a-host, s-host), monitors (A's), host:a-host, monitor:<A's>. B: hosts (b-host,
    // s-host), monitors (B's), and nothing at all for A's ids, as for ids that do not exist.
    await a.waitFor((f) => f.length === 5);
    await b.waitFor((f) => f.length === 3);
    expect(hostIds(b.frames).sort()).toEqual(["b-host", "s-host"]);
    expect(monitorIds(b.frames)).toEqual([monitorB.id]);

    await publisher.publishHostSample(hostSample("a-host", t0 + 1000), orgA.orgId);
    await publisher.publishCheckResults(
      [
        resultFixture({ monitorId: monitorA.id, checkedAtMs: Date.now() }),
        // Deleted meanwhile: no owner, so it goes nowhere.
        resultFixture({ monitorId: randomUUID(), checkedAtMs: Date.now() }),
      ],
      new Map([[monitorA.id, orgA.orgId]]),
    );
    // Published last: once B has it, every earlier event has been through the gateway.
    await publisher.publishHostSample(hostSample("s-host", t0 + 1000), undefined);
    await b.waitFor((f) => f.some((x) => !x.replay && x.hostSample?.hostId === "s-host"));
    // A: a-host on hosts and host:a-host, its result on monitors and monitor:<id>, s-host.
    const live = (await a.waitFor((f) => f.length === 10)).slice(5);
    expect(
      live.map((f) => [f.topic, f.hostSample?.hostId ?? f.checkResult?.monitorId]).sort(),
    ).toEqual(
      [
        ["host:a-host", "a-host"],
        ["hosts", "a-host"],
        ["hosts", "s-host"],
        [`monitor:${monitorA.id}`, monitorA.id],
        ["monitors", monitorA.id],
      ].sort(),
    );

    expect(b.frames).toHaveLength(4);
    expect(hostIds(b.frames)).not.toContain("a-host");
    expect(monitorIds(b.frames)).not.toContain(monitorA.id);
    expect(b.frames.filter((f) => f.error)).toEqual([]);
  });

  it("shows shared hosts to every organization when shared hosts are on, and to none when off", async () => {
    const t0 = Date.now() - 5000;
    await publisher.publishHostSample(hostSample("shared-host", t0), undefined);
    await publisher.publishHostSample(hostSample("own-host", t0), orgB.orgId);

    const open = await connect(served.url, orgB);
    const closed = await connect(servedPrivate.url, orgB);
    for (const client of [open, closed])
      client.send({ subscribe: ["host:shared-host", "host:own-host"] });
    await open.waitFor((f) => f.length === 2);
    await closed.waitFor((f) => f.length === 1);
    expect(hostIds(closed.frames)).toEqual(["own-host"]);

    await publisher.publishHostSample(hostSample("shared-host", t0 + 1000), undefined);
    await publisher.publishHostSample(hostSample("own-host", t0 + 1000), orgB.orgId);
    await open.waitFor((f) => f.length === 4);
    await closed.waitFor((f) => f.length === 2);
    expect(hostIds(open.frames).sort()).toEqual([
      "own-host",
      "own-host",
      "shared-host",
      "shared-host",
    ]);
    expect(hostIds(closed.frames)).toEqual(["own-host", "own-host"]);
  });
});
