import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDayPartition, DAY } from "../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import type { Logger } from "../core/logger.js";
import { startPartitionMaintenance } from "./partition-maintenance.js";
import type { Queryable } from "./pool.js";
import { PARTITION_DAYS_AHEAD } from "./schema.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const dayName = (table: string, dayOffset: number) => {
  const day = new Date(Math.floor(Date.now() / DAY) * DAY + dayOffset * DAY);
  return `${table}_${day.toISOString().slice(0, 10).replaceAll("-", "")}`;
};

const partitions = async (parent: string): Promise<string[]> => {
  const { rows } = await db.pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = $1::regclass ORDER BY 1`,
    [parent],
  );
  return rows.map((r) => r.name);
};

const hostPartition = async (dayOffset: number): Promise<string> => {
  const start = new Date(Math.floor(Date.now() / DAY) * DAY + dayOffset * DAY);
  const name = dayName("host_samples", dayOffset);
  await db.pool.query(
    `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF host_samples
     FOR VALUES FROM ('${start.toISOString()}') TO ('${new Date(start.getTime() + DAY).toISOString()}')`,
  );
  return name;
};

/** recordingLog keeps the warnings logged. */
const recordingLog = () => {
  const warnings: string[] = [];
  const log: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message) => warnings.push(message),
    error: () => {},
  };
  return { log, warnings };
};

describe("the partition maintenance timer", () => {
  it("keeps both tables' partitions ahead and drops each one's expired ones, once at start", async () => {
    const oldChecks = await createDayPartition(db.pool, -100);
    const youngChecks = await createDayPartition(db.pool, -20);
    const oldHosts = await hostPartition(-40);
    const youngHosts = await hostPartition(-20);
    await db.pool.query(
      `INSERT INTO check_rollups_hourly (monitor_id, hour, checks, failures, responses, total_ms_sum)
       VALUES (gen_random_uuid(), now() - interval '100 days', 1, 0, 1, 10),
              (gen_random_uuid(), now() - interval '20 days', 1, 0, 1, 10)`,
    );
    const { log, warnings } = recordingLog();

    const maintenance = startPartitionMaintenance({
      pool: db.pool,
      checkRetentionDays: 90,
      hostRetentionDays: 30,
      log,
    });
    await maintenance.stop();

    const checks = await partitions("check_results");
    const hosts = await partitions("host_samples");
    expect(checks).not.toContain(oldChecks);
    expect(checks).toContain(youngChecks);
    expect(hosts).not.toContain(oldHosts);
    expect(hosts).toContain(youngHosts);
    expect(checks).toContain(dayName("check_results", PARTITION_DAYS_AHEAD));
    expect(hosts).toContain(dayName("host_samples", PARTITION_DAYS_AHEAD));
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM check_rollups_hourly",
    );
    expect(rows[0]?.n).toBe(1);
    expect(warnings).toEqual([]);
  });

  it("drops no host_samples partition without a host retention", async () => {
    const old = await hostPartition(-400);
    const maintenance = startPartitionMaintenance({
      pool: db.pool,
      checkRetentionDays: 90,
      hostRetentionDays: undefined,
      log: recordingLog().log,
    });
    await maintenance.stop();
    expect(await partitions("host_samples")).toContain(old);
  });

  it("runs again every everyMs, and logs a failed run rather than throwing", async () => {
    let calls = 0;
    const { log, warnings } = recordingLog();
    const maintenance = startPartitionMaintenance({
      pool: {
        query: (async () => {
          calls++;
          throw new Error("postgres is restarting");
        }) as Queryable["query"],
      },
      checkRetentionDays: 90,
      hostRetentionDays: 30,
      log,
      everyMs: 20,
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await maintenance.stop();
    // Both tables tried on every run, the first at start.
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(warnings).toContain("check result partition maintenance failed; will retry");
    expect(warnings).toContain("host sample partition maintenance failed; will retry");
  });
});
