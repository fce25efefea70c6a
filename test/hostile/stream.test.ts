import type { Redis } from "ioredis";
import type pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { insertSession } from "../../internal/accounts/accounts.js";
import { authorizeUpgrade } from "../../internal/api/ws/authorize.js";
import { SESSION_COOKIE } from "../../internal/auth/cookies.js";
import { newSecret } from "../../internal/auth/secrets.js";
import { insertMonitor } from "../../internal/checks/monitors/monitors.js";
import { storeCheckResults } from "../../internal/checks/results/store-check-results.js";
import { silentLogger } from "../../internal/core/logger.js";
import type { Queryable } from "../../internal/db/pool.js";
import { freePort } from "../../internal/launcher/free-port.js";
import { createRedis } from "../../internal/redis/redis.js";
import { createStreamPublisher } from "../../internal/stream/publisher.js";
import { createTestOrg, type TestOrg } from "../support/accounts.js";
import { eventually } from "../support/eventually.js";
import { resultFixture, specFixture } from "../support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../support/redis.js";
import type { GatewayTestDeps } from "../support/stream-clients.js";
import {
  bearerHeaders,
  connectClient,
  type GatewayServer,
  listenGateway,
  type TestClient,
  upgradeStatus,
} from "../support/stream-clients.js";

// Hostile clients of the live stream (/ws) against real gateways on local ports, Postgres and
// Redis: a client cannot flood frames, cannot make the server read a replay more than once at
// a time per topic, cannot make a replay read monitor specs, and cannot hold more than
// PULSAR_USER_MAX_STREAMS connections over every API process.

/** PULSAR_USER_MAX_STREAMS of these gateways: small, so a test reaches it in a few upgrades. */
const MAX_STREAMS = 3;

/** A replay read of monitor_state, as Postgres answered it. */
interface ReplayRead {
  text: string;
  rows: Record<string, unknown>[];
}

let db: TestDatabase;
let redis: Redis;
const subscribers: Redis[] = [];
const prefix = uniquePrefix("hostile-stream");
let orgA: TestOrg;
let orgB: TestOrg;
/** Two API processes: gateways sharing Redis and the key prefix. */
let apiOne: GatewayServer;
let apiTwo: GatewayServer;
const clients: TestClient[] = [];

/** Every replay read of monitor_state the gateways made, and how many ran at once. */
const reads: ReplayRead[] = [];
let readsInFlight = 0;
let maxReadsInFlight = 0;
/** How long each replay read takes (the storm test slows them to make overlaps visible). */
let readDelayMs = 0;

/**
 * recordingPool runs queries on db.pool, recording the replay's reads of monitor_state. The
 * replay's queries go through connection() (internal/db), which calls query(text, values) only.
 */
function recordingPool(pool: pg.Pool): Queryable {
  const query = async (text: string, values?: unknown[]) => {
    const replayRead = text.includes("monitor_state");
    if (replayRead) {
      readsInFlight++;
      maxReadsInFlight = Math.max(maxReadsInFlight, readsInFlight);
    }
    try {
      if (replayRead && readDelayMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, readDelayMs));
      }
      const result = await pool.query(text, values);
      if (replayRead) reads.push({ text, rows: result.rows });
      return result;
    } finally {
      if (replayRead) readsInFlight--;
    }
  };
  // The overloads of pg's query cannot be implemented by one function; this one takes the
  // only form the replay uses.
  return { query } as unknown as Queryable;
}

function resetReads(): void {
  reads.length = 0;
  maxReadsInFlight = readsInFlight;
  readDelayMs = 0;
}

async function listen(overrides: Partial<GatewayTestDeps> = {}): Promise<GatewayServer> {
  const subscriber = createRedis(TEST_REDIS_URL, "bullmq", "hostile-stream-sub");
  subscribers.push(subscriber);
  return listenGateway({
    pool: recordingPool(db.pool),
    authorize: authorizeUpgrade({ pool: db.pool, log: silentLogger }),
    subscriber,
    redis,
    prefix,
    log: silentLogger,
    maxStreamsPerUser: MAX_STREAMS,
    ...overrides,
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "hostile-stream");
  [orgA, orgB] = [await createTestOrg(db.pool, "A"), await createTestOrg(db.pool, "B")];
  apiOne = await listen();
  apiTwo = await listen();
});

afterEach(() => {
  for (const client of clients.splice(0)) client.socket.terminate();
  resetReads();
});

afterAll(async () => {
  await apiOne.close();
  await apiTwo.close();
  for (const subscriber of subscribers) subscriber.disconnect();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await db.drop();
});

async function connect(url: string, headers: Record<string, string>): Promise<TestClient> {
  const client = await connectClient(url, headers);
  clients.push(client);
  return client;
}

/** newToken is the handshake headers of a fresh API token of org: its own connection count. */
async function newToken(org: TestOrg): Promise<Record<string, string>> {
  return bearerHeaders(await org.token("api"));
}

/** sessionCookie signs org's admin in once more: a Cookie header of a new session. */
async function sessionCookie(org: TestOrg): Promise<Record<string, string>> {
  const session = newSecret("session");
  await insertSession(db.pool, {
    tokenHash: session.hash,
    userId: org.userId,
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  return { cookie: `${SESSION_COOKIE}=${session.secret}` };
}

/** refusal tries an upgrade that must be refused and resolves with its status and body. */
function refusal(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once("unexpected-response", (_req, res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body });
        socket.terminate();
      });
    });
    socket.once("open", () => {
      socket.terminate();
      reject(new Error("the upgrade was accepted"));
    });
    // Terminating a refused handshake emits an error: the promise has settled by then.
    socket.on("error", () => {});
  });
}

/** aMonitorWithResult inserts a monitor of org (with a spec from `spec`) and its last result. */
async function aMonitorWithResult(org: TestOrg, spec: Parameters<typeof specFixture>[0] = {}) {
  const monitor = await insertMonitor(db.pool, org.orgId, specFixture(spec));
  await storeCheckResults(db.pool, [
    resultFixture({ monitorId: monitor.id, checkedAtMs: Date.now() - 1000 }),
  ]);
  return monitor;
}

describe("a hostile stream client", () => {
  it("is closed with 1008 once it sends more than 10 frames a second, bad frames and pings included", async () => {
    const floods: [string, (client: TestClient) => void][] = [
      ["requests", (c) => c.send({ subscribe: ["host:flood"], unsubscribe: ["host:flood"] })],
      ["bad frames", (c) => c.send("not json")],
      ["pings", (c) => c.socket.ping()],
    ];
    const bystander = await connect(apiOne.url, bearerHeaders(orgA.apiToken));
    for (const [kind, sendOne] of floods) {
      const flooder = await connect(apiOne.url, await newToken(orgA));
      for (let i = 0; i < 100; i++) sendOne(flooder);
      const closed = await flooder.closed;
      expect({ kind, ...closed }).toEqual({
        kind,
        code: 1008,
        reason: "too many frames: the limit is 10 per second (bursts of 20)",
      });
    }
    // The same organization's other connection was never touched and still answers.
    expect(bystander.socket.readyState).toBe(WebSocket.OPEN);
    bystander.send("not json");
    await bystander.waitFor((f) => f.some((x) => x.error?.code === "invalid_argument"));
  });

  it("makes one monitors replay read at a time, however fast it unsubscribes and resubscribes", async () => {
    const monitor = await aMonitorWithResult(orgA);
    const client = await connect(apiOne.url, bearerHeaders(orgA.apiToken));
    resetReads();
    readDelayMs = 150;
    // Fifteen restarts in one burst (within the frame rate's burst of 20).
    for (let i = 0; i < 15; i++)
      client.send({ unsubscribe: ["monitors"], subscribe: ["monitors"] });
    // Live results published meanwhile wait for the replay of the subscription that stayed.
    const publisher = createStreamPublisher(redis, prefix);
    await eventually(
      async () => {
        await publisher.publishCheckResults(
          [resultFixture({ monitorId: monitor.id, checkedAtMs: Date.now() })],
          new Map([[monitor.id, orgA.orgId]]),
        );
        return client.frames.some((x) => !x.replay);
      },
      { what: "a live result after the replays", timeoutMs: 10_000 },
    );
    await eventually(() => readsInFlight === 0, {
      what: "the replay reads to finish",
      timeoutMs: 5000,
    });
    expect(maxReadsInFlight).toBe(1);
    // The first read, and one for the subscription that superseded the fourteen others.
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(reads.length).toBeLessThanOrEqual(3);
    const replayed = client.frames.filter((x) => x.replay);
    expect(replayed.map((x) => x.checkResult?.monitorId)).toContain(monitor.id);
    expect(client.frames.findIndex((x) => !x.replay)).toBeGreaterThanOrEqual(replayed.length);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
  });

  it("cannot make a monitor replay read the monitor's spec: a 1 MB body costs nothing", async () => {
    const body = "b".repeat(1024 * 1024);
    const monitor = await aMonitorWithResult(orgA, {
      body,
      method: "POST",
      headers: { "x-padding": "h".repeat(8000) },
    });
    const client = await connect(apiOne.url, bearerHeaders(orgA.apiToken));
    resetReads();
    client.send({ subscribe: ["monitors", `monitor:${monitor.id}`] });
    await client.waitFor(
      (f) =>
        f.some((x) => x.topic === "monitors" && x.checkResult?.monitorId === monitor.id) &&
        f.some((x) => x.topic === `monitor:${monitor.id}`),
    );
    expect(reads.length).toBeGreaterThanOrEqual(2);
    // The columns as Postgres named them, pgtyped's nullability hints (`last_result!`) aside.
    const columns = new Set(
      reads.flatMap((read) =>
        read.rows.flatMap((row) => Object.keys(row).map((name) => name.replace(/[!?]$/, ""))),
      ),
    );
    expect([...columns].sort()).toEqual(["id", "last_result", "seq"]);
    const bytes = reads.reduce((sum, read) => sum + JSON.stringify(read.rows).length, 0);
    expect(bytes).toBeLessThan(20_000);
  });

  it("gets a 429 naming PULSAR_USER_MAX_STREAMS for one connection too many over two API processes, and its place back once one closes", async () => {
    const token = await newToken(orgA);
    const open = [
      await connect(apiOne.url, token),
      await connect(apiOne.url, token),
      await connect(apiTwo.url, token),
    ];
    for (const url of [apiOne.url, apiTwo.url]) {
      const refused = await refusal(url, token);
      expect(refused.status).toBe(429);
      expect(refused.body).toBe(
        `this API token already has ${MAX_STREAMS} open live-stream connections, the limit (PULSAR_USER_MAX_STREAMS)`,
      );
    }
    // Nobody else is affected: another organization, another token of the same one.
    expect(await upgradeStatus(apiOne.url, bearerHeaders(orgB.apiToken))).toBe(101);
    expect(await upgradeStatus(apiTwo.url, bearerHeaders(orgA.apiToken))).toBe(101);
    // The open connections still work.
    open[2]?.send("not json");
    await open[2]?.waitFor((f) => f.length === 1);

    open[0]?.socket.close();
    await open[0]?.closed;
    await eventually(async () => (await upgradeStatus(apiTwo.url, token)) === 101, {
      what: "a closed connection to free its slot",
      timeoutMs: 5000,
    });
  });

  it("counts a member's sessions together, apart from API tokens", async () => {
    const [first, second] = [await sessionCookie(orgB), await sessionCookie(orgB)];
    await connect(apiOne.url, first);
    await connect(apiTwo.url, second);
    await connect(apiTwo.url, first);
    const refused = await refusal(apiOne.url, second);
    expect(refused).toMatchObject({ status: 429, body: expect.stringMatching(/^this member /) });
    expect(await upgradeStatus(apiOne.url, await newToken(orgB))).toBe(101);
  });

  it("is refused with 503 when Redis cannot count connections, rather than let in uncounted", async () => {
    const down = createRedis(`redis://127.0.0.1:${await freePort()}`, "command", "hostile-down");
    const blind = await listen({ redis: down });
    try {
      const refused = await refusal(blind.url, bearerHeaders(orgA.apiToken));
      expect(refused.status).toBe(503);
    } finally {
      await blind.close();
      down.disconnect();
    }
  });
});
