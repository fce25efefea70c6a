import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { connection, preparedConnection } from "./connection.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const HINTED = `SELECT 1 AS plain, 2 AS "sure!", NULL::integer AS "maybe?", 'x!' AS "odd!"
  FROM generate_series(1, 2)`;

describe.each([
  ["connection", connection],
  ["preparedConnection", preparedConnection],
])("%s", (_, adapt) => {
  it("takes pgtyped's hints off the column names, keeping the column order", async () => {
    const { rows, rowCount } = await adapt(db.pool).query(HINTED, []);
    expect(rowCount).toBe(2);
    expect(rows).toEqual([
      { plain: 1, sure: 2, maybe: null, odd: "x!" },
      { plain: 1, sure: 2, maybe: null, odd: "x!" },
    ]);
    expect(Object.keys(rows[0] ?? {})).toEqual(["plain", "sure", "maybe", "odd"]);
  });

  it("gives rows without hinted columns back as they came, and counts a write", async () => {
    const db2 = adapt(db.pool);
    expect((await db2.query("SELECT $1::text AS name", ["a"])).rows).toEqual([{ name: "a" }]);
    const write = await db2.query("UPDATE pulsar_schema SET applied_at = applied_at", []);
    expect(write).toEqual({ rows: [], rowCount: 1 });
  });
});
