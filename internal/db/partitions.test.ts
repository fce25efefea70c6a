import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { maintainPartitions } from "./partitions.js";
import { createDayPartition, DAY } from "./test-fixtures.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const partitionName = (dayOffset: number) => {
  const day = new Date(Math.floor(Date.now() / DAY) * DAY + dayOffset * DAY);
  return `check_results_${day.toISOString().slice(0, 10).replaceAll("-", "")}`;
};

const partitions = async (): Promise<string[]> => {
  const { rows } = await db.pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'check_results'::regclass ORDER BY 1`,
  );
  return rows.map((r) => r.name);
};

describe("partition maintenance", () => {
  it("creates the daily partitions from yesterday to days ahead", async () => {
    await maintainPartitions(db.pool, { daysAhead: 7, retentionDays: 90 });
    const names = await partitions();
    for (let day = -1; day <= 7; day++) expect(names).toContain(partitionName(day));
    expect(names).not.toContain(partitionName(8));
  });

  it("drops a partition older than the retention and keeps younger ones", async () => {
    const old = await createDayPartition(db.pool, -100);
    const young = await createDayPartition(db.pool, -80);
    expect(await partitions()).toEqual(expect.arrayContaining([old, young]));

    await maintainPartitions(db.pool, { daysAhead: 3, retentionDays: 90 });

    const names = await partitions();
    expect(names).not.toContain(old);
    expect(names).toContain(young);
  });

  it("leaves the partitions of another schema alone, even one on the search path", async () => {
    const other = await createTestDatabase();
    const client = await db.pool.connect();
    try {
      const old = await createDayPartition(other.pool, -100);
      await client.query(`SET search_path TO ${db.schema}, ${other.schema}`);
      await maintainPartitions(client, { daysAhead: 3, retentionDays: 90 });
      const { rows } = await other.pool.query(
        "SELECT 1 FROM pg_class WHERE relname = $1 AND relnamespace = $2::regnamespace",
        [old, other.schema],
      );
      expect(rows).toHaveLength(1);
    } finally {
      await client.query("RESET search_path");
      client.release();
      await other.drop();
    }
  });
});
