import { createHash } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { applySchema, readInitSql } from "./schema.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

/**
 * holdingMonitors opens a transaction that reads monitors, as a running process's query does:
 * its ACCESS SHARE lock conflicts with every ALTER TABLE monitors of init.sql. release() ends it.
 */
async function holdingMonitors(): Promise<{ release(): Promise<void> }> {
  const client: pg.PoolClient = await db.pool.connect();
  await client.query("BEGIN");
  await client.query("SELECT count(*) FROM monitors");
  return {
    async release() {
      await client.query("COMMIT");
      client.release();
    },
  };
}

const appliedHash = async () =>
  (await db.pool.query<{ h: string }>("SELECT init_sql_sha256 AS h FROM pulsar_schema")).rows[0]?.h;

describe("applySchema", () => {
  it("records the init.sql it applied", async () => {
    const sql = await readInitSql();
    expect(await appliedHash()).toBe(createHash("sha256").update(sql).digest("hex"));
  });

  it("runs none of an unchanged init.sql: a start waits for no lock a running query holds", async () => {
    const reader = await holdingMonitors();
    try {
      // With init.sql run, its ALTER TABLE monitors would wait past 200 ms and fail.
      await expect(
        applySchema(db.pool, 90, undefined, { lockTimeoutMs: 200, attempts: 1 }),
      ).resolves.toBeUndefined();
    } finally {
      await reader.release();
    }
  });

  it("runs a changed init.sql, retrying past a lock held for a while", async () => {
    await db.pool.query("UPDATE pulsar_schema SET init_sql_sha256 = 'older'");
    const reader = await holdingMonitors();
    const released = new Promise((resolve) => setTimeout(resolve, 700)).then(() =>
      reader.release(),
    );
    const started = performance.now();
    await applySchema(db.pool, 90, undefined, { lockTimeoutMs: 100, attempts: 30 });
    await released;
    expect(performance.now() - started).toBeGreaterThan(600);
    expect(await appliedHash()).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives up after its attempts with Postgres' error, recording nothing", async () => {
    await db.pool.query("UPDATE pulsar_schema SET init_sql_sha256 = 'older'");
    const reader = await holdingMonitors();
    try {
      await expect(
        applySchema(db.pool, 90, undefined, { lockTimeoutMs: 100, attempts: 2 }),
      ).rejects.toMatchObject({ code: "55P03" });
      expect(await appliedHash()).toBe("older");
    } finally {
      await reader.release();
    }
    await applySchema(db.pool, 90);
    expect(await appliedHash()).not.toBe("older");
  });
});
