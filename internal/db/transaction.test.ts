import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { withTransaction } from "./transaction.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query("CREATE TABLE tx_probe (n integer PRIMARY KEY)");
});
afterAll(() => db.drop());

describe("withTransaction on a pipelined pool", () => {
  it("uses pipelined clients (createPool)", async () => {
    const client = await db.pool.connect();
    try {
      expect(client.pipeline).toBe(true);
    } finally {
      client.release();
    }
  });

  it("commits statements sent together", async () => {
    await withTransaction(db.pool, (client) =>
      Promise.all([1, 2, 3].map((n) => client.query("INSERT INTO tx_probe VALUES ($1)", [n]))),
    );
    const { rows } = await db.pool.query<{ n: number }>("SELECT n FROM tx_probe ORDER BY n");
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3]);
  });

  it("stores nothing when one statement of those sent together fails, and the client stays usable", async () => {
    await db.pool.query("DELETE FROM tx_probe");
    // 11 and 12 are sent in the same round trip as the failing duplicate 10, and 12 after it.
    await expect(
      withTransaction(db.pool, (client) =>
        Promise.all([
          client.query("INSERT INTO tx_probe VALUES (10)"),
          client.query("INSERT INTO tx_probe VALUES (11)"),
          client.query("INSERT INTO tx_probe VALUES (10)"),
          client.query("INSERT INTO tx_probe VALUES (12)"),
        ]),
      ),
    ).rejects.toThrow(/duplicate key/);
    const { rows } = await db.pool.query("SELECT n FROM tx_probe");
    expect(rows).toEqual([]);
    // Every pooled client answers a plain query afterwards (none was left mid-transaction).
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => db.pool.query<{ one: number }>("SELECT 1 AS one")),
    );
    expect(answers.map((a) => a.rows[0]?.one)).toEqual(Array(10).fill(1));
  });

  it("commits with COMMIT sent behind the last statements (sendCommit)", async () => {
    await db.pool.query("DELETE FROM tx_probe");
    const value = await withTransaction(db.pool, async (client, sendCommit) => {
      const [first] = await Promise.all([client.query("INSERT INTO tx_probe VALUES (20)")]);
      const last = Promise.all([
        client.query("INSERT INTO tx_probe VALUES (21)"),
        client.query("INSERT INTO tx_probe VALUES (22)"),
      ]);
      sendCommit();
      await last;
      return first.rowCount;
    });
    expect(value).toBe(1);
    const { rows } = await db.pool.query<{ n: number }>("SELECT n FROM tx_probe ORDER BY n");
    expect(rows.map((r) => r.n)).toEqual([20, 21, 22]);
  });

  it("stores nothing when a statement sent with COMMIT fails, and the client stays usable", async () => {
    await db.pool.query("DELETE FROM tx_probe");
    await expect(
      withTransaction(db.pool, async (client, sendCommit) => {
        await client.query("INSERT INTO tx_probe VALUES (30)");
        const last = Promise.all([
          client.query("INSERT INTO tx_probe VALUES (31)"),
          client.query("INSERT INTO tx_probe VALUES (30)"),
        ]);
        sendCommit();
        await last;
      }),
    ).rejects.toThrow(/duplicate key/);
    const { rows } = await db.pool.query("SELECT n FROM tx_probe");
    expect(rows).toEqual([]);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => db.pool.query<{ one: number }>("SELECT 1 AS one")),
    );
    expect(answers.map((a) => a.rows[0]?.one)).toEqual(Array(10).fill(1));
  });

  it("refuses a transaction Postgres rolled back at COMMIT though fn swallowed the failure", async () => {
    await db.pool.query("DELETE FROM tx_probe");
    await expect(
      withTransaction(db.pool, async (client, sendCommit) => {
        await client.query("INSERT INTO tx_probe VALUES (40)").catch(() => {});
        const last = client.query("INSERT INTO tx_probe VALUES (40)").catch(() => null);
        sendCommit();
        await last;
      }),
    ).rejects.toThrow(/rolled back/);
    const { rows } = await db.pool.query("SELECT n FROM tx_probe");
    expect(rows).toEqual([]);
  });

  it("plans every statement for its values, prepared ones too, pages priced as cached (PLAN_OPTIONS)", async () => {
    const { rows } = await db.pool.query<{ plan_cache_mode: string }>("SHOW plan_cache_mode");
    expect(rows[0]?.plan_cache_mode).toBe("force_custom_plan");
    const cost = await db.pool.query<{ random_page_cost: string }>("SHOW random_page_cost");
    expect(cost.rows[0]?.random_page_cost).toBe("1.1");
  });
});
