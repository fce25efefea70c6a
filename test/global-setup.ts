import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { silentLogger } from "../internal/core/logger.js";
import {
  type RunningService,
  startEmbeddedPostgres,
} from "../internal/launcher/embedded-postgres.js";
import { redisAnswers, startPrivateRedis } from "../internal/launcher/private-redis.js";

const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";
const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/**
 * Finds Postgres and Redis for the integration tests: TEST_DATABASE_URL / TEST_REDIS_URL, else
 * the local servers on their standard ports, else (a fresh machine without them) the same
 * embedded Postgres and private redis-server that `npm start` uses. Test workers inherit the
 * environment set here.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const started: RunningService[] = [];
  const stateDir = await mkdtemp(join(tmpdir(), "pulsar-test-"));

  const databaseUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (await postgresAnswers(databaseUrl)) {
    process.env.TEST_DATABASE_URL = databaseUrl;
  } else if (process.env.TEST_DATABASE_URL) {
    throw new Error(
      `tests need Postgres at TEST_DATABASE_URL=${databaseUrl}, which does not answer`,
    );
  } else {
    const postgres = await startEmbeddedPostgres(join(stateDir, "postgres"), silentLogger);
    started.push(postgres);
    process.env.TEST_DATABASE_URL = postgres.url;
  }

  const redisUrl = process.env.TEST_REDIS_URL ?? DEFAULT_REDIS_URL;
  if (await redisAnswers(redisUrl)) {
    process.env.TEST_REDIS_URL = redisUrl;
  } else if (process.env.TEST_REDIS_URL) {
    throw new Error(`tests need Redis at TEST_REDIS_URL=${redisUrl}, which does not answer`);
  } else {
    const redis = await startPrivateRedis(join(stateDir, "redis"), silentLogger);
    started.push(redis);
    process.env.TEST_REDIS_URL = redis.url;
  }

  return async () => {
    for (const service of started.reverse()) await service.stop();
    await rm(stateDir, { recursive: true, force: true });
  };
}

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
