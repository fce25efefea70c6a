import { request } from "node:http";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi } from "../../internal/api/app.js";
import { silentLogger } from "../../internal/core/logger.js";
import { createHostSampleSink } from "../../internal/hosts/server/sample-sink.js";
import { createHostSampleStore } from "../../internal/hosts/server/sample-store.js";
import { createRedis } from "../../internal/redis/redis.js";
import { createStreamPublisher } from "../../internal/stream/publisher.js";
import { createTestOrg, type TestOrg } from "../support/accounts.js";
import { listenApi } from "../support/api-server.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../support/redis.js";

// Who calls, and whether their organization may write now, is decided from the headers alone
// (Connect's request gate): a refused caller's body is never waited for, read or parsed. Each
// request below sends its headers and a first chunk of a body it never finishes; the answer
// must come anyway.

let db: TestDatabase;
let redis: Redis;
let api: Awaited<ReturnType<typeof listenApi>>;
let org: TestOrg;
let sampleStore: ReturnType<typeof createHostSampleStore>;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "gate-test");
  await redis.ping();
  const prefix = uniquePrefix("gate");
  sampleStore = createHostSampleStore({
    pool: db.pool,
    log: silentLogger,
  });
  api = await listenApi(
    createApi({
      pool: db.pool,
      redis,
      prefix,
      scheduler: { schedule: async () => {}, unschedule: async () => {} },
      log: silentLogger,
      writesPerMinute: 1,
      ingest: {
        sink: createHostSampleSink({
          store: sampleStore,
          publisher: createStreamPublisher(redis, prefix),
          log: silentLogger,
        }),
      },
    }),
  );
  org = await createTestOrg(db.pool, "Gate");
});

afterAll(async () => {
  await api?.close();
  await sampleStore?.close();
  redis?.disconnect();
  await db?.drop();
});

/**
 * unfinishedPost POSTs JSON headers and a first chunk of a body that never ends, and resolves
 * with the status and body of the answer, which must therefore come before the body does.
 */
function unfinishedPost(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
    });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error("no answer before the body ended")));
    // Chunked, and never ended: a server that waited for the whole body would never answer.
    req.write('{"monitor":{"name":"');
  });
}

describe("the request gate", () => {
  it("answers an unauthenticated RPC before its body has arrived", async () => {
    const { status, body } = await unfinishedPost("/pulsar.v1.MonitorService/CreateMonitor");
    expect(status).toBe(401);
    expect(JSON.parse(body)).toMatchObject({ code: "unauthenticated" });
  });

  it("answers an agent push without a valid agent token before its body has arrived", async () => {
    const { status, body } = await unfinishedPost("/pulsar.v1.IngestService/PushSamples", {
      authorization: `Bearer ${org.apiToken}`,
    });
    expect(status).toBe(403);
    expect(JSON.parse(body)).toMatchObject({ code: "permission_denied" });
    const unknown = await unfinishedPost("/pulsar.v1.IngestService/PushSamples", {
      authorization: `Bearer pulsar_agent_${"A".repeat(43)}`,
    });
    expect(unknown.status).toBe(401);
  });

  it("refuses a write over the organization's rate before its body has arrived", async () => {
    const bearer = { authorization: `Bearer ${org.apiToken}` };
    // The one write of this minute (its invalid body is answered on its merits).
    const first = await fetch(`${api.baseUrl}/pulsar.v1.MonitorService/DeleteMonitor`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer },
      body: '{"id":"not-a-uuid"}',
    });
    expect(first.status).toBe(400);
    const { status, body } = await unfinishedPost(
      "/pulsar.v1.MonitorService/CreateMonitor",
      bearer,
    );
    expect(status).toBe(429);
    expect(JSON.parse(body).message).toMatch(/PULSAR_ORG_WRITES_PER_MINUTE/);
  });
});
