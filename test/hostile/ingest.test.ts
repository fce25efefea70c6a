// Hostile agents against the real API (createApi on a port, real Postgres and Redis): samples
// too big, more hosts than the organization may hold, floods of bytes, ever new host ids. Each
// is answered with the code and the limit, stores nothing, and leaves other organizations be.
import { clone, create, toBinary, toJsonString } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { Redis } from "ioredis";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DiskSampleSchema,
  type HostSample,
  HostSampleSchema,
  NetworkInterfaceSampleSchema,
  ProcessInfoSchema,
} from "../../gen/pulsar/v1/host_pb.js";
import { IngestService, PushSamplesRequestSchema } from "../../gen/pulsar/v1/ingest_pb.js";
import { createApi } from "../../internal/api/app.js";
import type { IngestLimits } from "../../internal/auth/ingest-limiter.js";
import { silentLogger } from "../../internal/core/logger.js";
import { createHostSampleSink } from "../../internal/hosts/server/sample-sink.js";
import { createHostSampleStore } from "../../internal/hosts/server/sample-store.js";
import {
  AGENT_BATCH_BYTES,
  MAX_SAMPLE_BYTES,
  sampleBytes,
} from "../../internal/hosts/server/sample-validation.js";
import { DEFAULT_ORG_QUOTAS } from "../../internal/quota/org-quotas.js";
import { createRedis } from "../../internal/redis/redis.js";
import { createStreamPublisher } from "../../internal/stream/publisher.js";
import { hostRingKey, hostsKey, hostsSeenKey } from "../../internal/stream/topics.js";
import { bearer, createTestOrg } from "../support/accounts.js";
import { listenApi } from "../support/api-server.js";
import { eventually } from "../support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../support/redis.js";
import { hostSample } from "../support/stream-clients.js";

let db: TestDatabase;
let redis: Redis;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "hostile-ingest-test");
});

afterAll(async () => {
  redis.disconnect();
  await db.drop();
});

interface TestApi {
  baseUrl: string;
  prefix: string;
  /** Queries the host sample store has sent to Postgres so far. */
  storeQueries(): number;
  close(): Promise<void>;
}

/** startApi serves IngestService as cmd/api does, with the given limits, on a free port. */
async function startApi(
  options: {
    limits?: IngestLimits;
    maxHosts?: number;
    verdictCacheSize?: number;
    ringTtlSeconds?: number;
  } = {},
): Promise<TestApi> {
  const prefix = uniquePrefix("hostile-ingest");
  let storeQueries = 0;
  // The store's own view of the pool, so that its queries (not the API's) can be counted.
  const storePool: Pick<pg.Pool, "connect" | "query"> = {
    connect: () => db.pool.connect(),
    query: ((...args: Parameters<pg.Pool["query"]>) => {
      storeQueries++;
      return db.pool.query(...args);
    }) as pg.Pool["query"],
  };
  const sampleStore = createHostSampleStore({
    pool: storePool,
    log: silentLogger,
    maxDelayMs: 50,
    verdictCacheSize: options.verdictCacheSize,
  });
  const api = createApi({
    pool: db.pool,
    redis,
    prefix,
    scheduler: { schedule: async () => {}, unschedule: async () => {} },
    log: silentLogger,
    quotas: { ...DEFAULT_ORG_QUOTAS, hosts: options.maxHosts ?? DEFAULT_ORG_QUOTAS.hosts },
    ingest: {
      sink: createHostSampleSink({
        store: sampleStore,
        publisher: createStreamPublisher(redis, prefix, { ringTtlSeconds: options.ringTtlSeconds }),
        log: silentLogger,
      }),
      limits: options.limits,
    },
  });
  const server = await listenApi(api);
  return {
    baseUrl: server.baseUrl,
    prefix,
    storeQueries: () => storeQueries,
    async close() {
      await server.close();
      await sampleStore.close();
    },
  };
}

/** An agent's client: binary, as cmd/agent sends. */
const agent = (api: TestApi, token: string) =>
  createClient(
    IngestService,
    createConnectTransport({
      baseUrl: api.baseUrl,
      httpVersion: "1.1",
      useBinaryFormat: true,
      interceptors: [bearer(token)],
    }),
  );

/** samples builds n samples of hostId, 500 ms apart, ending a second ago. */
const samples = (hostId: string, n = 1, init: Parameters<typeof hostSample>[2] = {}) =>
  Array.from({ length: n }, (_, i) =>
    hostSample(hostId, Date.now() - 1000 - (n - 1 - i) * 500, init),
  );

/** fat builds n valid samples of about 29 KB each (3,600 cores). */
const fat = (hostId: string, n = 1) =>
  samples(hostId, n, { cpu: { totalPercent: 50, perCorePercent: new Array(3600).fill(50) } });

async function refusal(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("expected the call to be refused");
}

async function stored(hostId: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM host_samples WHERE host_id = $1",
    [hostId],
  );
  return rows[0]?.n ?? 0;
}

async function hostsOf(orgId: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>(
    "SELECT id FROM hosts WHERE org_id = $1 ORDER BY id",
    [orgId],
  );
  return rows.map((r) => r.id);
}

/**
 * densest is the valid sample of at most MAX_SAMPLE_BYTES that grows most as JSON: as many
 * entries as fit with no name and 17-digit numbers (about 3.6 times its binary size).
 */
function densest(hostId: string, atMs: number): HostSample {
  const odd = 0.30000000000000004;
  const sample = hostSample(hostId, atMs, {
    cpu: { totalPercent: odd, load1: odd, load5: odd, load15: odd },
    network: { rxBytesPerSec: odd, txBytesPerSec: odd },
  });
  for (let i = 0; i < 100; i++) {
    sample.topProcesses.push(
      create(ProcessInfoSchema, { pid: 2 ** 31 - 1, cpuPercent: odd, memoryBytes: odd }),
    );
  }
  for (let i = 0; i < 1024; i++) {
    sample.network?.interfaces.push(
      create(NetworkInterfaceSampleSchema, { rxBytesPerSec: odd, txBytesPerSec: odd }),
    );
  }
  const disk = create(DiskSampleSchema, { sizeBytes: odd, usedBytes: odd });
  while (sampleBytes(sample) <= MAX_SAMPLE_BYTES - 24) sample.disks.push(disk);
  return sample;
}

describe("a hostile agent", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ maxHosts: 3 });
  });
  afterAll(async () => {
    await api.close();
  });

  it("has a sample over 32 KiB refused as invalid_argument naming it, in binary as in JSON, and nothing of its batch stored", async () => {
    const org = await createTestOrg(db.pool, "Oversized");
    const token = await org.token("agent");
    const big = samples("oversized-host", 1, {
      disks: Array.from({ length: 300 }, (_, i) =>
        create(DiskSampleSchema, { mount: `/var/lib/volumes/${"v".repeat(90)}${i}` }),
      ),
    })[0];
    if (!big) throw new Error("no sample");
    const batch = [...samples("oversized-host", 2), big];
    const error = await refusal(agent(api, token).pushSamples({ samples: batch }));
    expect([error.code, error.rawMessage]).toEqual([
      Code.InvalidArgument,
      `samples[2] is ${sampleBytes(big)} bytes; the limit is 32768`,
    ]);
    // Plain JSON over HTTP, as curl would send it: 400, the same words.
    const res = await fetch(`${api.baseUrl}/pulsar.v1.IngestService/PushSamples`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: toJsonString(
        PushSamplesRequestSchema,
        create(PushSamplesRequestSchema, { samples: batch }),
      ),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: "invalid_argument",
      message: `samples[2] is ${sampleBytes(big)} bytes; the limit is 32768`,
    });
    expect(await stored("oversized-host")).toBe(0);
    expect(await hostsOf(org.orgId)).toEqual([]);
  });

  it("cannot report more hosts than PULSAR_ORG_MAX_HOSTS: the push is refused whole, and its known hosts and other organizations carry on", async () => {
    const org = await createTestOrg(db.pool, "Host hoarder");
    const token = await org.token("agent");
    await agent(api, token).pushSamples({
      samples: [...samples("hoard-1", 2), ...samples("hoard-2", 2)],
    });
    // Two more would make four of three.
    const error = await refusal(
      agent(api, token).pushSamples({
        samples: [...samples("hoard-1"), ...samples("hoard-3"), ...samples("hoard-4")],
      }),
    );
    expect(error.code).toBe(Code.ResourceExhausted);
    expect(error.rawMessage).toMatch(/limit of 3 hosts \(PULSAR_ORG_MAX_HOSTS\)/);
    // Waiting would not help: no retry-after.
    expect(error.metadata.get("retry-after")).toBeNull();
    expect(await hostsOf(org.orgId)).toEqual(["hoard-1", "hoard-2"]);
    expect([await stored("hoard-1"), await stored("hoard-3"), await stored("hoard-4")]).toEqual([
      2, 0, 0,
    ]);
    // Its own hosts, and one more, are still welcome; every token of it is held to the same.
    await agent(api, token).pushSamples({
      samples: [...samples("hoard-1"), ...samples("hoard-3")],
    });
    expect(await hostsOf(org.orgId)).toEqual(["hoard-1", "hoard-2", "hoard-3"]);
    const other = await org.token("agent");
    expect(
      (await refusal(agent(api, other).pushSamples({ samples: samples("hoard-5") }))).code,
    ).toBe(Code.ResourceExhausted);
    // Another organization has places of its own.
    const neighbour = await createTestOrg(db.pool, "Neighbour");
    await agent(api, await neighbour.token("agent")).pushSamples({
      samples: [...samples("next-door-1"), ...samples("next-door-2"), ...samples("next-door-3")],
    });
    expect(await hostsOf(neighbour.orgId)).toEqual(["next-door-1", "next-door-2", "next-door-3"]);
  });

  it("cannot pass the host quota with concurrent pushes racing for the last places", async () => {
    for (let round = 0; round < 3; round++) {
      const org = await createTestOrg(db.pool, `Racer ${round}`);
      const tokens = await Promise.all(Array.from({ length: 6 }, () => org.token("agent")));
      await agent(api, tokens[0] ?? "").pushSamples({ samples: samples(`race-${round}-held`) });
      // Two places left; six agents of the organization claim a new host each, at once.
      const outcomes = await Promise.allSettled(
        tokens.map((token, i) =>
          agent(api, token).pushSamples({ samples: samples(`race-${round}-${i}`, 2) }),
        ),
      );
      const refused = outcomes.filter((o) => o.status === "rejected");
      expect(outcomes.length - refused.length).toBe(2);
      for (const o of refused)
        expect(ConnectError.from(o.reason).code).toBe(Code.ResourceExhausted);
      const held = await hostsOf(org.orgId);
      expect(held).toHaveLength(3);
      // The winners' samples are stored, the losers' not at all.
      for (let i = 0; i < tokens.length; i++) {
        const id = `race-${round}-${i}`;
        expect(await stored(id)).toBe(held.includes(id) ? 2 : 0);
      }
    }
  });

  it("pushing ever new host ids keeps the host-owner cache within its bound", async () => {
    const small = await startApi({ verdictCacheSize: 3 });
    try {
      const org = await createTestOrg(db.pool, "Id churner");
      const client = agent(small, await org.token("agent"));
      for (let i = 0; i < 10; i++) await client.pushSamples({ samples: samples(`churn-${i}`) });
      const queriesFor = async (hostId: string) => {
        const before = small.storeQueries();
        await client.pushSamples({ samples: samples(hostId) });
        return small.storeQueries() - before;
      };
      // The three most recent are remembered; the seven before them are forgotten.
      expect(await queriesFor("churn-9")).toBe(0);
      expect(await queriesFor("churn-0")).toBe(1);
      expect(await queriesFor("churn-0")).toBe(0);
    } finally {
      await small.close();
    }
  });
});

describe("a byte flood", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({
      limits: { bytesPerWindow: 64 * 1024, orgBytesPerWindow: 200 * 1024 },
    });
  });
  afterAll(async () => {
    await api.close();
  });

  it("is refused per token with resource_exhausted naming the byte limit and when to retry, storing nothing", async () => {
    const org = await createTestOrg(db.pool, "Flooder");
    const token = await org.token("agent");
    // Two fat samples (58 KB) fit in 64 KiB; the next two do not.
    await agent(api, token).pushSamples({ samples: fat("flood-a", 2) });
    const error = await refusal(agent(api, token).pushSamples({ samples: fat("flood-b", 2) }));
    expect(error.code).toBe(Code.ResourceExhausted);
    expect(error.rawMessage).toMatch(
      /^this agent token pushed more than 65536 bytes of samples in 60 s; try again in \d+ s$/,
    );
    expect(Number(error.metadata.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await stored("flood-b")).toBe(0);
    expect(await hostsOf(org.orgId)).toEqual(["flood-a"]);
    // Another organization's agent is not held back.
    const neighbour = await createTestOrg(db.pool, "Quiet neighbour");
    await agent(api, await neighbour.token("agent")).pushSamples({
      samples: fat("quiet-host", 2),
    });
    expect(await stored("quiet-host")).toBe(2);
  });

  it("from many tokens of one organization is held to the organization's byte limit, and no other organization", async () => {
    const org = await createTestOrg(db.pool, "Token farm");
    const tokens = await Promise.all(Array.from({ length: 10 }, () => org.token("agent")));
    // Each token within its own 64 KiB; together 580 KB, past the organization's 200 KiB.
    const outcomes = await Promise.allSettled(
      tokens.map((token, i) => agent(api, token).pushSamples({ samples: fat(`farm-${i}`, 2) })),
    );
    const refused = outcomes.filter((o) => o.status === "rejected");
    expect(outcomes.length - refused.length).toBe(3);
    for (const o of refused) {
      expect(ConnectError.from(o.reason).rawMessage).toMatch(
        /^this organization's agents pushed more than 204800 bytes of samples in 60 s; try again in \d+ s$/,
      );
    }
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM host_samples WHERE host_id LIKE 'farm-%'",
    );
    expect(rows[0]?.n).toBe(6);
    const neighbour = await createTestOrg(db.pool, "Farm neighbour");
    await agent(api, await neighbour.token("agent")).pushSamples({
      samples: fat("farm-neighbour", 2),
    });
  });
});

describe("host rings in Redis", () => {
  it("expire a day after a host's last sample, with the hosts set beside them", async () => {
    const api = await startApi();
    try {
      const org = await createTestOrg(db.pool, "Ringed");
      await agent(api, await org.token("agent")).pushSamples({ samples: samples("ringed", 3) });
      for (const key of [
        hostRingKey(api.prefix, org.orgId, "ringed"),
        hostsKey(api.prefix, org.orgId),
        hostsSeenKey(api.prefix, org.orgId),
      ]) {
        const ttl = await redis.ttl(key);
        expect(ttl).toBeGreaterThan(24 * 3600 - 120);
        expect(ttl).toBeLessThanOrEqual(24 * 3600);
      }
      expect(await redis.llen(hostRingKey(api.prefix, org.orgId, "ringed"))).toBe(3);
    } finally {
      await api.close();
    }
  });

  it("leave the hosts set once expired: it holds only hosts with a ring", async () => {
    const api = await startApi({ ringTtlSeconds: 1 });
    try {
      const org = await createTestOrg(db.pool, "Short rings");
      const client = agent(api, await org.token("agent"));
      await client.pushSamples({ samples: [...samples("gone-1"), ...samples("gone-2")] });
      expect((await redis.smembers(hostsKey(api.prefix, org.orgId))).sort()).toEqual([
        "gone-1",
        "gone-2",
      ]);
      // Another host keeps reporting, so the sets themselves never expire; the first two fall
      // silent. Once their rings are gone, they leave the sets (within a second more: the
      // script counts whole seconds).
      const members = async () => (await redis.smembers(hostsKey(api.prefix, org.orgId))).sort();
      let rings = 2;
      await eventually(
        async () => {
          await client.pushSamples({ samples: samples("still-here") });
          rings = await redis.exists(
            hostRingKey(api.prefix, org.orgId, "gone-1"),
            hostRingKey(api.prefix, org.orgId, "gone-2"),
          );
          return (await members()).length === 1;
        },
        { what: "the silent hosts to leave the hosts set", timeoutMs: 15_000 },
      );
      expect(rings).toBe(0);
      expect(await members()).toEqual(["still-here"]);
      expect(await redis.zrange(hostsSeenKey(api.prefix, org.orgId), 0, -1)).toEqual([
        "still-here",
      ]);
    } finally {
      await api.close();
    }
  });
});

describe("the read limit", () => {
  it("takes the agent's fullest batch of the largest samples as JSON, and refuses 500 of them before reading a byte", {
    timeout: 120_000,
  }, async () => {
    const api = await startApi();
    try {
      const org = await createTestOrg(db.pool, "Big batches");
      const token = await org.token("agent");
      const now = Date.now();
      const largest = densest("densest", now);
      const batchOf = (count: number) =>
        toJsonString(
          PushSamplesRequestSchema,
          create(PushSamplesRequestSchema, {
            samples: Array.from({ length: count }, (_, i) => {
              const sample = clone(HostSampleSchema, largest);
              sample.sampledAt = timestampFromMs(now - 60_000 + i * 100);
              return sample;
            }),
          }),
        );
      const push = (body: string) =>
        fetch(`${api.baseUrl}/pulsar.v1.IngestService/PushSamples`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body,
        });
      const agentBatch = Math.floor(AGENT_BATCH_BYTES / toBinary(HostSampleSchema, largest).length);
      const fits = await push(batchOf(agentBatch));
      expect([fits.status, await fits.json()]).toEqual([
        200,
        { accepted: agentBatch, createdHostIds: ["densest"] },
      ]);

      const huge = batchOf(500);
      expect(huge.length).toBeGreaterThan(50 * 1024 * 1024);
      const refused = await push(huge);
      expect(refused.status).toBe(413);
      expect(await refused.json()).toMatchObject({ code: "resource_exhausted" });
      expect(await stored("densest")).toBe(agentBatch);
    } finally {
      await api.close();
    }
  });
});
