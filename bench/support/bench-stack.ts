import { create } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import pg from "pg";
import { MonitorSpecSchema } from "../../gen/pulsar/v1/monitor_pb.js";
import { scheduleOf } from "../../internal/checks/monitors/monitor-schedule.js";
import { resolveMonitorSpec } from "../../internal/checks/monitors/monitor-spec.js";
import { insertMonitor } from "../../internal/checks/monitors/monitors.js";
import { type CheckQueue, createCheckQueue } from "../../internal/checks/queue/check-queue.js";
import {
  type CheckSchedule,
  createCheckSchedule,
} from "../../internal/checks/queue/check-schedule.js";
import { createPool } from "../../internal/db/pool.js";
import { applySchema } from "../../internal/db/schema.js";
import { createRedis } from "../../internal/redis/redis.js";
import { deleteKeys } from "../../test/support/redis-keys.js";

/** BenchStackOptions name a bench's own database, Redis database and queue prefix. */
export interface BenchStackOptions {
  /** Database name, created afresh and dropped by close(). */
  database: string;
  /** Redis database number, flushed at start (a bench's own: 9, 10…). */
  redisDb: number;
  prefix: string;
  poolMax?: number;
  /** The Postgres server's admin URL; else BENCH_POSTGRES_URL, else the local server. */
  adminUrl?: string;
  /** The Redis URL; else BENCH_REDIS_URL, else database `redisDb` of the local server. */
  redisUrl?: string;
  /**
   * When false, Redis is shared (someone's database 0, say): nothing is flushed, and only keys
   * under `prefix:` are deleted, at open (a killed run's leftovers) and by close(). Default true.
   */
  flushRedis?: boolean;
}

/**
 * BenchStack is a fresh Postgres database with Pulsar's schema, a flushed Redis database and the
 * check queue on it: what a bench's worker process runs against. URLs come from
 * BENCH_POSTGRES_URL (the server's admin database) and BENCH_REDIS_URL, else the local servers.
 */
export interface BenchStack {
  databaseUrl: string;
  redisUrl: string;
  pool: pg.Pool;
  redis: Redis;
  queue: CheckQueue;
  /** The check schedule under the bench's prefix, which its workers claim from. */
  schedule: CheckSchedule;
  close(): Promise<void>;
}

/** openBenchStack creates the database and opens the connections; close() undoes it all. */
export async function openBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const adminUrl =
    options.adminUrl ??
    process.env.BENCH_POSTGRES_URL ??
    "postgres://postgres@127.0.0.1:5432/postgres";
  const redisUrl =
    options.redisUrl ?? process.env.BENCH_REDIS_URL ?? `redis://127.0.0.1:6379/${options.redisDb}`;
  const url = new URL(adminUrl);
  url.pathname = `/${options.database}`;
  const databaseUrl = url.toString();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${options.database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${options.database}`);
  const pool = createPool({ connectionString: databaseUrl, max: options.poolMax ?? 10 });
  await applySchema(pool, 90);
  const redis = createRedis(redisUrl, "bullmq", `bench-${options.prefix}`);
  const emptyRedis = () =>
    options.flushRedis === false ? deleteKeys(redis, `${options.prefix}:*`) : redis.flushdb();
  await emptyRedis();
  const queue = createCheckQueue(redis, options.prefix);
  return {
    databaseUrl,
    redisUrl,
    pool,
    redis,
    queue,
    schedule: createCheckSchedule(redis, options.prefix),
    async close() {
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      await emptyRedis();
      redis.disconnect();
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${options.database} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/**
 * scheduleMonitors stores a monitor of `orgId` per URL, its spec resolved by the API's own
 * validation (so defaults are the product's), and puts each on the check schedule, as
 * CreateMonitor would; `batch` at a time.
 */
export async function scheduleMonitors(
  stack: Pick<BenchStack, "pool" | "schedule">,
  orgId: string,
  urls: readonly string[],
  spec: { intervalSeconds: number; timeoutMs: number; name?: (i: number) => string },
  batch = 200,
): Promise<void> {
  for (let i = 0; i < urls.length; i += batch) {
    await Promise.all(
      urls.slice(i, i + batch).map(async (url, j) => {
        const resolved = resolveMonitorSpec(
          create(MonitorSpecSchema, {
            name: spec.name?.(i + j) ?? `bench ${i + j}`,
            url,
            intervalSeconds: spec.intervalSeconds,
            timeoutMs: spec.timeoutMs,
          }),
        );
        const monitor = await insertMonitor(stack.pool, orgId, resolved);
        await stack.schedule.upsert([scheduleOf(monitor, orgId)]);
      }),
    );
  }
}
