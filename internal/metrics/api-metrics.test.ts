import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IngestService } from "../../gen/pulsar/v1/ingest_pb.js";
import { MonitorService } from "../../gen/pulsar/v1/monitor_pb.js";
import { bearer, createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { listenApi } from "../../test/support/api-server.js";
import { eventually } from "../../test/support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { sampleValue, scrape } from "../../test/support/prometheus.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import {
  bearerHeaders,
  connectClient,
  hostSample,
  type TestClient,
} from "../../test/support/stream-clients.js";
import { createApi } from "../api/app.js";
import { authorizeUpgrade } from "../api/ws/authorize.js";
import { createStreamGateway, type StreamGateway } from "../api/ws/gateway.js";
import { silentLogger } from "../core/logger.js";
import { createHostSampleSink } from "../hosts/server/sample-sink.js";
import { createHostSampleStore, type HostSampleStore } from "../hosts/server/sample-store.js";
import { createRedis } from "../redis/redis.js";
import { createStreamPublisher } from "../stream/publisher.js";
import { type ApiMetrics, createApiMetrics } from "./api-metrics.js";
import { createMetricsRegistry } from "./registry.js";
import { codeLabel } from "./rpc-interceptor.js";
import { registerStreamClients } from "./stream-clients.js";

// The API wired as cmd/api wires it (RPCs, IngestService, the live stream) on a real port,
// its series read from its own /metrics as Prometheus would.

const TOKEN = "api-metrics-test-token";
const LIST_MONITORS = "pulsar.v1.MonitorService/ListMonitors";
const GET_MONITOR = "pulsar.v1.MonitorService/GetMonitor";

let db: TestDatabase;
let redis: Redis;
let subscriber: Redis;
let sampleStore: HostSampleStore;
let gateway: StreamGateway;
let metrics: ApiMetrics;
let server: Server;
let baseUrl: string;
let org: TestOrg;

beforeAll(async () => {
  db = await createTestDatabase();
  const prefix = uniquePrefix("api-metrics");
  redis = createRedis(TEST_REDIS_URL, "command", "api-metrics-test");
  subscriber = createRedis(TEST_REDIS_URL, "bullmq", "api-metrics-test-sub");
  metrics = createApiMetrics(createMetricsRegistry());
  sampleStore = createHostSampleStore({
    pool: db.pool,
    log: silentLogger,
    maxDelayMs: 20,
    metrics,
  });
  const api = createApi({
    pool: db.pool,
    redis,
    prefix,
    scheduler: { schedule: async () => {}, unschedule: async () => {} },
    log: silentLogger,
    ingest: {
      sink: createHostSampleSink({
        store: sampleStore,
        publisher: createStreamPublisher(redis, prefix),
        log: silentLogger,
      }),
    },
    metrics,
    metricsToken: TOKEN,
  });
  gateway = createStreamGateway({
    pool: db.pool,
    subscriber,
    redis,
    prefix,
    sharedHosts: true,
    authorize: authorizeUpgrade({ pool: db.pool, log: silentLogger }),
    log: silentLogger,
  });
  registerStreamClients(metrics.registry, gateway);
  await gateway.ready;
  server = createServer(api.handler);
  server.on("upgrade", gateway.handleUpgrade);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  org = await createTestOrg(db.pool, "Metrics");
});

afterAll(async () => {
  await gateway.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await sampleStore.close();
  subscriber.disconnect();
  redis.disconnect();
  await db.drop();
});

const transport = (token: string) =>
  createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors: [bearer(token)] });

async function value(name: string, labels: Record<string, string> = {}): Promise<number> {
  const { status, text } = await scrape(`${baseUrl}/metrics`, TOKEN);
  expect(status).toBe(200);
  return sampleValue(text, name, labels) ?? 0;
}

async function codeOf(call: Promise<unknown>): Promise<Code | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

describe("the API's /metrics", () => {
  it("counts and times RPCs by method and the Connect code the client got", async () => {
    const monitors = createClient(MonitorService, transport(org.apiToken));
    await monitors.listMonitors({});
    await monitors.listMonitors({});
    const stranger = createClient(MonitorService, transport("pulsar_api_not-a-real-token"));
    expect(await codeOf(stranger.listMonitors({}))).toBe(Code.Unauthenticated);
    expect(await codeOf(monitors.getMonitor({ id: randomUUID() }))).toBe(Code.NotFound);

    expect(await value("pulsar_rpc_requests_total", { method: LIST_MONITORS, code: "ok" })).toBe(2);
    expect(
      await value("pulsar_rpc_requests_total", { method: LIST_MONITORS, code: "unauthenticated" }),
    ).toBe(1);
    expect(
      await value("pulsar_rpc_requests_total", { method: GET_MONITOR, code: "not_found" }),
    ).toBe(1);
    expect(await value("pulsar_rpc_duration_seconds_count", { method: LIST_MONITORS })).toBe(3);
    const seconds = await value("pulsar_rpc_duration_seconds_sum", { method: LIST_MONITORS });
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(10);
  });

  it("spells codes as Connect sends them", () => {
    expect(codeLabel(Code.InvalidArgument)).toBe("invalid_argument");
    expect(codeLabel(Code.DeadlineExceeded)).toBe("deadline_exceeded");
    expect(codeLabel(Code.Internal)).toBe("internal");
  });

  it("counts the live stream's open connections when scraped", async () => {
    const before = await value("pulsar_stream_clients");
    const clients: TestClient[] = await Promise.all([
      connectClient(`${baseUrl.replace("http", "ws")}/ws`, bearerHeaders(org.apiToken)),
      connectClient(`${baseUrl.replace("http", "ws")}/ws`, bearerHeaders(org.apiToken)),
    ]);
    expect(await value("pulsar_stream_clients")).toBe(before + 2);
    clients[0]?.socket.close();
    await clients[0]?.closed;
    await eventually(async () => (await value("pulsar_stream_clients")) === before + 1, {
      what: "pulsar_stream_clients to count the first client gone",
    });
    clients[1]?.socket.close();
    await clients[1]?.closed;
    await eventually(async () => (await value("pulsar_stream_clients")) === before, {
      what: "pulsar_stream_clients to count both clients gone",
    });
  });

  it("counts the host samples agents push, once stored", async () => {
    const before = await value("pulsar_host_samples_ingested_total");
    const ingest = createClient(IngestService, transport(await org.token("agent")));
    const hostId = `agent-${randomUUID()}`;
    const samples = [3000, 2000, 1000].map((ago) => hostSample(hostId, Date.now() - ago));
    expect(await ingest.pushSamples({ samples })).toMatchObject({ accepted: 3 });
    expect(await value("pulsar_host_samples_ingested_total")).toBe(before + 3);
    expect(
      await value("pulsar_rpc_requests_total", {
        method: "pulsar.v1.IngestService/PushSamples",
        code: "ok",
      }),
    ).toBe(1);
  });

  it("answers /metrics only to the METRICS_TOKEN bearer, and /healthz to anyone", async () => {
    const none = await scrape(`${baseUrl}/metrics`);
    expect(none.status).toBe(401);
    expect(none.text).not.toContain("pulsar_");
    expect((await scrape(`${baseUrl}/metrics`, org.apiToken)).status).toBe(401);
    expect((await scrape(`${baseUrl}/metrics`, `${TOKEN}x`)).status).toBe(401);
    const ok = await scrape(`${baseUrl}/metrics?probe=1`, TOKEN);
    expect(ok.status).toBe(200);
    expect(ok.contentType).toBe(metrics.registry.contentType);
    expect(sampleValue(ok.text, "pulsar_process_resident_memory_bytes")).toBeGreaterThan(0);
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  });

  it("serves no /metrics when the API is built without metrics", async () => {
    const plain = await listenApi(
      createApi({
        pool: db.pool,
        redis,
        prefix: uniquePrefix("api-no-metrics"),
        scheduler: { schedule: async () => {}, unschedule: async () => {} },
        log: silentLogger,
      }),
    );
    try {
      expect((await scrape(`${plain.baseUrl}/metrics`)).status).toBe(404);
      expect((await fetch(`${plain.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await plain.close();
    }
  });
});
