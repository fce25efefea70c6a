import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDayPartition, DAY } from "../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { maintainHostSamplePartitions, maintainPartitions } from "./partitions.js";
import { applySchema } from "./schema.js";

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

const partitions = async (parent = "check_results"): Promise<string[]> => {
  const { rows } = await db.pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = $1::regclass ORDER BY 1`,
    [parent],
  );
  return rows.map((r) => r.name);
};

/** hostPartition adds the host_samples partition of the UTC day dayOffset days from today. */
const hostPartition = async (dayOffset: number): Promise<string> => {
  const start = new Date(Math.floor(Date.now() / DAY) * DAY + dayOffset * DAY);
  const name = partitionName(dayOffset).replace("check_results", "host_samples");
  await db.pool.query(
    `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF host_samples
     FOR VALUES FROM ('${start.toISOString()}') TO ('${new Date(start.getTime() + DAY).toISOString()}')`,
  );
  return name;
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

  it("maintains host_samples with its own retention, leaving check_results alone", async () => {
    const hostName = (day: number) => partitionName(day).replace("check_results", "host_samples");
    const old = await hostPartition(-40);
    const young = await hostPartition(-20);
    const oldChecks = await createDayPartition(db.pool, -40);

    await maintainHostSamplePartitions(db.pool, { daysAhead: 5, retentionDays: 30 });

    const names = await partitions("host_samples");
    for (let day = -1; day <= 5; day++) expect(names).toContain(hostName(day));
    expect(names).not.toContain(old);
    expect(names).toContain(young);
    expect(await partitions()).toContain(oldChecks);
  });

  it("drops no host_samples partition when applying the schema without a host retention", async () => {
    const old = await hostPartition(-400);
    await applySchema(db.pool, 90);
    expect(await partitions("host_samples")).toContain(old);
    await applySchema(db.pool, 90, 30);
    expect(await partitions("host_samples")).not.toContain(old);
  });
});
