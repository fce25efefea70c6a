import { randomBytes } from "node:crypto";
import type pg from "pg";
import { createPool } from "../../internal/db/pool.js";
import { applySchema } from "../../internal/db/schema.js";

/** TEST_DATABASE_URL is the server tests use (test/global-setup.ts finds or starts it); each
 *  test file gets its own schema in it. */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** TestDatabase is a schema of its own with init.sql applied, dropped by `drop()`. */
export interface TestDatabase {
  pool: pg.Pool;
  schema: string;
  /** A connection string whose search_path is this schema, for child processes. */
  url: string;
  drop(): Promise<void>;
}

/** createTestDatabase makes a fresh schema and applies the real init.sql to it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = createPool({ connectionString: TEST_DATABASE_URL, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const pool = createPool({ connectionString: TEST_DATABASE_URL, searchPath: schema });
  await applySchema(pool, 90);
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    pool,
    schema,
    url: url.toString(),
    async drop() {
      await pool.end();
      const cleanup = createPool({ connectionString: TEST_DATABASE_URL, max: 1 });
      await cleanup.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}
