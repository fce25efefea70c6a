import pg from "pg";

/** PoolOptions configure a Postgres pool. */
export interface PoolOptions {
  connectionString: string;
  /** Schema to put first on the search path; tests use one schema per file. */
  searchPath?: string;
  max?: number;
  applicationName?: string;
}

/**
 * PLAN_OPTIONS make Postgres plan every statement for its values and the tables as they are
 * now, never reusing a generic plan. Statements run per check or per ping are prepared once per
 * connection (preparedConnection), and Postgres's own choice switches a prepared statement to
 * a generic plan after five runs and keeps it until the table is next analyzed: planned while
 * a new installation's tables held a few rows, the results' transaction scanned every monitor
 * and monitor_state row for the rest of the connection's life (bench/README.md). Unnamed
 * statements, everything else, are planned this way anyway. And a page read is priced as the
 * cached read it nearly always is (random_page_cost 1.1, not a disk's 4): Pulsar's hot tables
 * are small and live in shared buffers, and at the disk's price a batch of results locked and
 * saved its monitors' status rows by reading monitors and monitor_state whole (hashing every
 * row) once it held 1 % of them: ten times the index lookups' work (bench/store-batches.ts).
 */
export const PLAN_OPTIONS = "-c plan_cache_mode=force_custom_plan -c random_page_cost=1.1";

/** createPool opens a pg pool. The caller owns it and must `end()` it on shutdown. */
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "pulsar",
    // Every plan made for the values at hand (PLAN_OPTIONS), search path as asked.
    options: [PLAN_OPTIONS, options.searchPath ? `-c search_path=${options.searchPath}` : ""]
      .join(" ")
      .trim(),
    // Fail fast instead of hanging a request when Postgres is down.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // Statements issued together go out together (Postgres answers them in order): a
    // transaction sends BEGIN with its first statement and independent statements in one round
    // trip (store-check-results.ts), which on this 2-core VM is most of a small write's time
    // (bench/README.md, bench/pings.ts). Sequential awaits behave exactly as without it.
    pipeline: true,
  });
  // An idle client losing its connection (Postgres restarting) must not crash the process;
  // the pool replaces it on the next checkout.
  pool.on("error", () => {});
  return pool;
}

/** Queryable is anything that runs SQL: a pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, "query">;
