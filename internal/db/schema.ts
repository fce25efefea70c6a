import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { withTransaction } from "./transaction.js";

const initSqlPath = fileURLToPath(new URL("../../../init.sql", import.meta.url));
const sourceInitSqlPath = fileURLToPath(new URL("../../init.sql", import.meta.url));

/** readInitSql returns the schema, whether running from source (tsx, vitest) or from dist/. */
export async function readInitSql(): Promise<string> {
  try {
    return await readFile(sourceInitSqlPath, "utf8");
  } catch {
    return await readFile(initSqlPath, "utf8");
  }
}

/**
 * applySchema runs init.sql and creates the check_results and host_samples partitions. Several
 * processes start at once (API, workers), so it holds an advisory lock: concurrent CREATE ...
 * IF NOT EXISTS can otherwise fail on the catalog's unique indexes. Expired host_samples
 * partitions are dropped only when hostRetentionDays is given (by the worker, which owns
 * HOST_RETENTION_DAYS): a process applying a default instead could drop history still wanted.
 */
export async function applySchema(
  pool: pg.Pool,
  retentionDays: number,
  hostRetentionDays?: number,
): Promise<void> {
  const sql = await readInitSql();
  await withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('pulsar_apply_schema'))");
    await client.query(sql);
    await client.query("SELECT pulsar_maintain_daily_partitions('check_results', $1, $2)", [
      PARTITION_DAYS_AHEAD,
      retentionDays,
    ]);
    await client.query("SELECT pulsar_maintain_daily_partitions('host_samples', $1, $2)", [
      PARTITION_DAYS_AHEAD,
      hostRetentionDays ?? null,
    ]);
  });
}

/** PARTITION_DAYS_AHEAD is how many daily partitions exist ahead of today. */
export const PARTITION_DAYS_AHEAD = 3;
