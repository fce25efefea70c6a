import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AlertEventSchema, AlertKind } from "../../../gen/pulsar/v1/alert_pb.js";
import { createTestOrg, type TestOrg } from "../../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import {
  bearerHeaders,
  connectClient,
  type Frame,
  type GatewayServer,
  listenGateway,
  type TestClient,
} from "../../../test/support/stream-clients.js";
import { silentLogger } from "../../core/logger.js";
import { createRedis } from "../../redis/redis.js";
import { createStreamPublisher, type StreamPublisher } from "../../stream/publisher.js";
import { alertSource } from "../../stream/topics.js";
import { loadReplay, REPLAY_ALERT_EVENTS } from "./replay.js";

// The `alerts` topic: an organization's alert events, replayed from Postgres and then live,
// never another organization's.

type AlertFrame = Frame & { alertEvent?: { id: string; title: string; kind: string } };

let db: TestDatabase;
let redis: Redis;
let subscriber: Redis;
let publisher: StreamPublisher;
let served: GatewayServer;
let orgA: TestOrg;
let orgB: TestOrg;
const prefix = uniquePrefix("ws-alerts");
const clients: TestClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "ws-alerts-test");
  subscriber = createRedis(TEST_REDIS_URL, "bullmq", "ws-alerts-test-sub");
  publisher = createStreamPublisher(redis, prefix);
  [orgA, orgB] = [await createTestOrg(db.pool, "A"), await createTestOrg(db.pool, "B")];
  served = await listenGateway({ pool: db.pool, subscriber, redis, prefix, log: silentLogger });
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE alert_events CASCADE");
});

afterEach(() => {
  for (const client of clients.splice(0)) client.socket.terminate();
});

afterAll(async () => {
  await served.close();
  subscriber.disconnect();
  redis.disconnect();
  await db.drop();
});

async function connect(org: TestOrg): Promise<TestClient> {
  const client = await connectClient(served.url, bearerHeaders(org.apiToken));
  clients.push(client);
  return client;
}

/** recordEvents inserts n events of an organization, a second apart, the last one newest. */
async function recordEvents(orgId: string, n: number, label: string): Promise<void> {
  const start = Date.now() - n * 1000;
  for (let i = 0; i < n; i++) {
    await db.pool.query(
      "INSERT INTO alert_events (org_id, kind, created_at, title) VALUES ($1, 'test', $2, $3)",
      [orgId, new Date(start + i * 1000).toISOString(), `${label} ${i}`],
    );
  }
}

const liveEvent = (title: string) =>
  create(AlertEventSchema, {
    id: randomUUID(),
    kind: AlertKind.HOST_FIRING,
    createdAt: timestampFromMs(Date.now()),
    title,
  });

const titles = (frames: Frame[]) => (frames as AlertFrame[]).map((f) => f.alertEvent?.title);

describe("the alerts topic", () => {
  it("replays the organization's latest alert events, oldest first, then live ones", async () => {
    await recordEvents(orgA.orgId, REPLAY_ALERT_EVENTS + 5, "a");
    await recordEvents(orgB.orgId, 3, "b");
    const a = await connect(orgA);
    a.send({ subscribe: ["alerts"] });
    await a.waitFor((f) => f.length === REPLAY_ALERT_EVENTS);
    expect(a.frames.every((f) => f.topic === "alerts" && f.replay)).toBe(true);
    expect(titles(a.frames)).toEqual(
      Array.from({ length: REPLAY_ALERT_EVENTS }, (_, i) => `a ${i + 5}`),
    );
    await publisher.publishAlertEvents([{ orgId: orgA.orgId, event: liveEvent("a live") }]);
    const [live] = (await a.waitFor((f) => f.length === REPLAY_ALERT_EVENTS + 1)).slice(-1);
    expect(live).toMatchObject({ topic: "alerts", replay: false });
    expect((live as AlertFrame).alertEvent).toMatchObject({
      title: "a live",
      kind: "ALERT_KIND_HOST_FIRING",
    });
  });

  it("delivers an organization's alert events to its own clients only", async () => {
    const [a, b] = [await connect(orgA), await connect(orgB)];
    for (const client of [a, b]) client.send({ subscribe: ["alerts"] });
    // Both replays are empty; a B event published last tells when B has seen everything.
    await publisher.publishAlertEvents([{ orgId: orgA.orgId, event: liveEvent("for a") }]);
    await a.waitFor((f) => f.length === 1);
    await publisher.publishAlertEvents([{ orgId: orgB.orgId, event: liveEvent("for b") }]);
    await b.waitFor((f) => f.length === 1);
    expect(titles(a.frames)).toEqual(["for a"]);
    expect(titles(b.frames)).toEqual(["for b"]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.frames).toHaveLength(1);
  });

  it("marks each replayed event by id, so a live copy held during the replay is dropped", async () => {
    await recordEvents(orgA.orgId, 2, "marked");
    const { rows } = await db.pool.query<{ id: string; created_at: Date }>(
      "SELECT id, created_at FROM alert_events ORDER BY created_at",
    );
    const replay = await loadReplay(
      { pool: db.pool, redis, prefix, log: silentLogger },
      { kind: "alerts" },
      { orgId: orgA.orgId, scopes: [orgA.orgId] },
    );
    expect(replay.payloads.map((p) => p.case === "alertEvent" && p.value.id)).toEqual(
      rows.map((r) => r.id),
    );
    expect([...replay.marks]).toEqual(rows.map((r) => [alertSource(r.id), r.created_at.getTime()]));
    const other = await loadReplay(
      { pool: db.pool, redis, prefix, log: silentLogger },
      { kind: "alerts" },
      { orgId: orgB.orgId, scopes: [orgB.orgId] },
    );
    expect(other.payloads).toEqual([]);
  });
});
