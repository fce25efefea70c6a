import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Redis } from "ioredis";
import { createApi } from "../../internal/api/app.js";
import { authorizeUpgrade } from "../../internal/api/ws/authorize.js";
import { createStreamGateway } from "../../internal/api/ws/gateway.js";
import type { IngestLimits } from "../../internal/auth/ingest-limiter.js";
import { silentLogger } from "../../internal/core/logger.js";
import { createHostSampleSink } from "../../internal/hosts/server/sample-sink.js";
import { createHostSampleStore } from "../../internal/hosts/server/sample-store.js";
import { createRedis } from "../../internal/redis/redis.js";
import { createStreamPublisher } from "../../internal/stream/publisher.js";
import type { TestDatabase } from "./postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "./redis.js";

/**
 * IngestApi is the real API (createApi with IngestService) and its live stream (/ws) served on
 * 127.0.0.1, as cmd/api wires them, which a test can take down and bring back on the same port.
 */
export interface IngestApi {
  baseUrl: string;
  /** The ws:// URL of the live stream. */
  wsUrl: string;
  prefix: string;
  /** PushSamples requests received so far (answered or not). */
  pushes(): number;
  /** stop closes the listener and every connection: clients get "connection refused". */
  stop(): Promise<void>;
  /** start listens again, on the same port. */
  start(): Promise<void>;
  /** close stops and closes the gateway, the store (writing what is pending) and Redis. */
  close(): Promise<void>;
}

/** startIngestApi serves an IngestApi over db's schema, on a free port. */
export async function startIngestApi(
  db: TestDatabase,
  options: { limits?: IngestLimits; sharedHosts?: boolean } = {},
): Promise<IngestApi> {
  const prefix = uniquePrefix("ingest");
  const redis: Redis = createRedis(TEST_REDIS_URL, "command", "ingest-test");
  const subscriber = createRedis(TEST_REDIS_URL, "bullmq", "ingest-test-sub");
  const sampleStore = createHostSampleStore({
    pool: db.pool,
    log: silentLogger,
    maxDelayMs: 50,
  });
  const api = createApi({
    pool: db.pool,
    redis,
    prefix,
    // IngestService schedules nothing.
    scheduler: { schedule: async () => {}, unschedule: async () => {} },
    log: silentLogger,
    sampleIntervalMs: 500,
    sharedHosts: options.sharedHosts,
    ingest: {
      sink: createHostSampleSink({
        store: sampleStore,
        publisher: createStreamPublisher(redis, prefix),
        log: silentLogger,
      }),
      limits: options.limits,
    },
  });
  const gateway = createStreamGateway({
    pool: db.pool,
    subscriber,
    redis,
    prefix,
    sharedHosts: options.sharedHosts ?? true,
    authorize: authorizeUpgrade({ pool: db.pool, log: silentLogger }),
    log: silentLogger,
  });
  await gateway.ready;
  let pushes = 0;
  let server: Server | undefined;
  let port = 0;
  const start = async () => {
    const listening = createServer((req, res) => {
      if (req.url?.includes("IngestService/PushSamples")) pushes++;
      api.handler(req, res);
    });
    listening.on("upgrade", gateway.handleUpgrade);
    await new Promise<void>((resolve) => listening.listen(port, "127.0.0.1", resolve));
    port = (listening.address() as AddressInfo).port;
    server = listening;
  };
  const stop = async () => {
    const listening = server;
    server = undefined;
    if (!listening) return;
    listening.closeAllConnections();
    await new Promise<void>((resolve) => listening.close(() => resolve()));
  };
  await start();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    prefix,
    pushes: () => pushes,
    start,
    stop,
    async close() {
      await gateway.close();
      await stop();
      await sampleStore.close();
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}
