import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { connection } from "./connection.js";
import * as q from "./schema-version.queries.js";
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

/** SchemaLockOptions bound how applySchema waits for the locks its statements take. */
export interface SchemaLockOptions {
  /** How long one statement waits for a lock before the attempt is given up. Default 5 s. */
  lockTimeoutMs?: number;
  /** Attempts at most; a deadlock or a lock timeout starts the next. Default 10. */
  attempts?: number;
}

/**
 * Postgres' codes for what a retry can get past: deadlock_detected (applying init.sql takes
 * locks in its order while running processes take theirs) and lock_not_available (a statement
 * waited lock_timeout).
 */
const RETRIED_CODES = new Set(["40P01", "55P03"]);

/**
 * applySchema brings the schema up to init.sql and creates the check_results and host_samples
 * partitions. Several processes start at once (API, workers), so it holds an advisory lock:
 * concurrent CREATE ... IF NOT EXISTS can otherwise fail on the catalog's unique indexes.
 * init.sql runs only when it differs from the one last applied (its SHA-256 in pulsar_schema):
 * its ALTER TABLEs take exclusive locks, which every query of a running process (an API
 * restarting beside its workers) queues behind, and which deadlocked with them. When it does
 * run, no statement waits longer than lockTimeoutMs for a lock (it would hold up every query
 * queued behind it): the attempt rolls back and another starts. Expired host_samples
 * partitions are dropped only when hostRetentionDays is given (by the worker, which owns
 * HOST_RETENTION_DAYS): a process applying a default instead could drop history still wanted.
 */
export async function applySchema(
  pool: pg.Pool,
  retentionDays: number,
  hostRetentionDays?: number,
  options: SchemaLockOptions = {},
): Promise<void> {
  const sql = await readInitSql();
  const sha256 = createHash("sha256").update(sql).digest("hex");
  const attempts = options.attempts ?? 10;
  for (let attempt = 1; ; attempt++) {
    try {
      await withTransaction(pool, async (client) => {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('pulsar_apply_schema'))");
        // After the advisory lock: waiting for another process's application is not contention.
        await client.query(`SET LOCAL lock_timeout = ${options.lockTimeoutMs ?? 5000}`);
        const db = connection(client);
        const [table] = await q.schemaTablePresent.run(undefined, db);
        const [applied] = table?.present ? await q.appliedSchemaHash.run(undefined, db) : [];
        if (applied?.init_sql_sha256 !== sha256) {
          await client.query(sql);
          await q.recordAppliedSchema.run({ sha256 }, db);
        }
        await client.query("SELECT pulsar_maintain_daily_partitions('check_results', $1, $2)", [
          PARTITION_DAYS_AHEAD,
          retentionDays,
        ]);
        await client.query("SELECT pulsar_maintain_daily_partitions('host_samples', $1, $2)", [
          PARTITION_DAYS_AHEAD,
          hostRetentionDays ?? null,
        ]);
      });
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= attempts || typeof code !== "string" || !RETRIED_CODES.has(code)) throw error;
      await sleep(Math.min(100 * 2 ** attempt, 2000) * (0.5 + Math.random()));
    }
  }
}

/** PARTITION_DAYS_AHEAD is how many daily partitions exist ahead of today. */
export const PARTITION_DAYS_AHEAD = 3;
