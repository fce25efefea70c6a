// The API as the service tests and the HTTP server's tests run it. Not imported by production
// code.
import type { DescService } from "@bufbuild/protobuf";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { Redis } from "ioredis";
import { type ApiDeps, createApi } from "../../internal/api/app.js";
import { type CheckQueue, createCheckQueue } from "../../internal/checks/queue/check-queue.js";
import {
  type CheckSchedule,
  createCheckSchedule,
} from "../../internal/checks/queue/check-schedule.js";
import { createMonitorScheduler } from "../../internal/checks/queue/schedules.js";
import { silentLogger } from "../../internal/core/logger.js";
import { createRedis } from "../../internal/redis/redis.js";
import { bearer } from "./accounts.js";
import { listenApi } from "./api-server.js";
import { createTestDatabase, type TestDatabase } from "./postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "./redis.js";
import { deleteKeys } from "./redis-keys.js";

/** TestApiOptions are the ApiDeps a test chooses; startTestApi supplies Redis, queue and log. */
export type TestApiOptions = Partial<Omit<ApiDeps, "redis" | "prefix" | "scheduler" | "log">>;

/**
 * TestApi is the real API (createApi) over a database of its own, a Redis prefix of its own and
 * a real BullMQ check queue, served on 127.0.0.1.
 */
export interface TestApi {
  db: TestDatabase;
  /** The API's command connection. */
  redis: Redis;
  /** The queue of the immediate check each created or changed monitor gets. */
  queue: CheckQueue;
  /** The check schedule monitors are put on: tests read it. */
  schedule: CheckSchedule;
  /** The Redis key prefix of the API and the queue. */
  prefix: string;
  /** The first API's base URL, http://127.0.0.1:<port>. */
  baseUrl: string;
  /**
   * serve starts another API on the same Redis and queue, with other options (say, signup
   * "closed", or the pool of another database), and resolves with its base URL.
   */
  serve(options?: TestApiOptions): Promise<string>;
  /** close stops every API served, empties the queue and drops the database. */
  close(): Promise<void>;
}

/** startTestApi serves an API named `name` (its Redis prefix and connection names) with options. */
export async function startTestApi(name: string, options: TestApiOptions = {}): Promise<TestApi> {
  const db = await createTestDatabase();
  const prefix = uniquePrefix(name);
  const redis = createRedis(TEST_REDIS_URL, "command", `${name}-test`);
  const queueConnection = createRedis(TEST_REDIS_URL, "bullmq", `${name}-test-queue`);
  const queue = createCheckQueue(queueConnection, prefix);
  const schedule = createCheckSchedule(redis, prefix);
  const servers: Awaited<ReturnType<typeof listenApi>>[] = [];
  const serve = async (more: TestApiOptions = {}) => {
    const server = await listenApi(
      createApi({
        pool: db.pool,
        redis,
        prefix,
        scheduler: createMonitorScheduler({ schedule, queue }),
        log: silentLogger,
        ...more,
      }),
    );
    servers.push(server);
    return server.baseUrl;
  };
  const baseUrl = await serve(options);
  return {
    db,
    redis,
    queue,
    schedule,
    prefix,
    baseUrl,
    serve,
    async close() {
      for (const server of servers) await server.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await deleteKeys(redis, `${prefix}:*`);
      queueConnection.disconnect();
      redis.disconnect();
      await db.drop();
    },
  };
}

/** serviceClient is a Connect client of service at baseUrl that presents token as a bearer. */
export function serviceClient<T extends DescService>(
  service: T,
  baseUrl: string,
  token: string,
): Client<T> {
  return createClient(
    service,
    createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors: [bearer(token)] }),
  );
}
