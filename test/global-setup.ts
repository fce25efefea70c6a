import { Redis } from "ioredis";
import pg from "pg";
import { TEST_DATABASE_URL } from "./support/postgres.js";
import { TEST_REDIS_URL } from "./support/redis.js";

/** Fails the run at once, with one clear line, when Postgres or Redis is not there. */
export default async function setup(): Promise<void> {
  const client = new pg.Client({
    connectionString: TEST_DATABASE_URL,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    throw new Error(
      `tests need Postgres at ${TEST_DATABASE_URL} (set TEST_DATABASE_URL): ${String(error)}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
  const redis = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`tests need Redis at ${TEST_REDIS_URL} (set TEST_REDIS_URL): ${String(error)}`);
  } finally {
    redis.disconnect();
  }
}
