import type pg from "pg";
import { latenessAtTarget } from "./lateness.js";
import { databasePerCheck, redisPerCheck, round } from "./server-stats.js";
import type { WindowMeasure } from "./window.js";

/** RunParameters are the bench's flags, echoed in its report. */
export interface RunParameters {
  monitors: number;
  intervalSeconds: number;
  targetDelayMs: number;
  warmupSeconds: number;
  /** Worker processes, each as `npm start` runs its one. */
  workers: number;
  /** The regions each monitor lists (bench:regions); none: the default one. */
  regions?: string[];
  /** Those of `regions` served by a remote probe instead of a worker. */
  probeRegions?: string[];
}

/** StoredChecks are the results the worker stored with checked_at in the window. */
interface StoredChecks {
  checks: number;
  failures: number;
  sampleError: string | null;
  lateness: (number | null)[] | null;
  /** Per region: the same lateness percentiles and count. */
  byRegion: Record<string, { checks: number; lateness: (number | null)[] | null }>;
}

/**
 * storedChecks counts the results checked in [t0, t1) and their scheduling lateness
 * (checked_at − scheduled_at), as bench/checks does. Run after the window: it is a read of the
 * bench's database the window must not count.
 */
export async function storedChecks(pool: pg.Pool, t0: Date, t1: Date): Promise<StoredChecks> {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS checks,
            count(*) FILTER (WHERE NOT up)::int AS failures,
            min(error) FILTER (WHERE NOT up) AS sample_error,
            percentile_cont(ARRAY[0.5, 0.99, 1]) WITHIN GROUP (ORDER BY extract(epoch FROM checked_at - scheduled_at) * 1000) AS lateness
     FROM check_results WHERE checked_at >= $1 AND checked_at < $2`,
    [t0, t1],
  );
  const row = rows[0];
  const regions = await pool.query(
    `SELECT region, count(*)::int AS checks,
            percentile_cont(ARRAY[0.5, 0.99, 1]) WITHIN GROUP (ORDER BY extract(epoch FROM checked_at - scheduled_at) * 1000) AS lateness
     FROM check_results WHERE checked_at >= $1 AND checked_at < $2 GROUP BY region ORDER BY region`,
    [t0, t1],
  );
  return {
    checks: row.checks,
    failures: row.failures,
    sampleError: row.sample_error,
    lateness: row.lateness,
    byRegion: Object.fromEntries(
      regions.rows.map((r) => [r.region, { checks: r.checks, lateness: r.lateness }]),
    ),
  };
}

/**
 * buildReport divides the window's CPU, Redis commands and Postgres counters by the checks
 * stored in it. `total` is the stack's own processes and backends; Postgres's background
 * processes serve every database of the server, so they are apart, in `postgresOther`.
 */
export function buildReport(
  params: RunParameters,
  measure: WindowMeasure,
  stored: StoredChecks,
  monitorIds: readonly string[],
) {
  const checks = Math.max(1, stored.checks);
  const { cpuMs, postgres } = measure;
  const postgresMs = postgres.local ? postgres.oursMs : null;
  const parts = {
    worker: cpuMs.worker,
    api: cpuMs.api,
    probe: cpuMs.probe,
    postgres: postgresMs,
    redis: cpuMs.redis,
  };
  const total = Object.values(parts).reduce<number>((sum, ms) => sum + (ms ?? 0), 0);
  const otherMs = postgres.local ? postgres.otherMs : null;
  const all = {
    ...parts,
    total,
    postgresOther: otherMs,
    totalWithPostgresOther: total + (otherMs ?? 0),
  };
  const per = (ms: number | null) => (ms === null ? null : round(ms / checks));
  const cores = (ms: number | null) => (ms === null ? null : round(ms / 1000 / measure.seconds));
  const [p50, p99, max] = stored.lateness ?? [];
  return {
    ...params,
    // Each region checks every monitor.
    offeredPerSecond: round(
      (params.monitors * Math.max(1, params.regions?.length ?? 0)) / params.intervalSeconds,
    ),
    windowSeconds: round(measure.seconds),
    checksStored: stored.checks,
    checksPerSecond: round(stored.checks / measure.seconds),
    failures: stored.failures,
    sampleError: stored.sampleError,
    cpuMsPerCheck: mapValues(all, per),
    cores: mapValues(all, cores),
    loopWakeupsPerCheck: {
      worker: round(measure.wakeups.worker / checks),
      api: round(measure.wakeups.api / checks),
    },
    latenessAtTargetMs: roundAll({
      ...latenessAtTarget(measure.arrivals, monitorIds, params.intervalSeconds),
    }),
    latenessStoredMs: roundAll({ p50: p50 ?? null, p99: p99 ?? null, max: max ?? null }),
    latenessStoredByRegionMs: Object.fromEntries(
      Object.entries(stored.byRegion).map(([region, { checks, lateness }]) => [
        region,
        {
          checks,
          ...roundAll({
            p50: lateness?.[0] ?? null,
            p99: lateness?.[1] ?? null,
            max: lateness?.[2] ?? null,
          }),
        },
      ]),
    ),
    redis: redisPerCheck(measure.commands.before, measure.commands.after, checks),
    postgresPerCheck: databasePerCheck(measure.database.before, measure.database.after, checks),
    postgresBackends: postgres.backends,
    machineBusyPercent: round(measure.machineBusy * 100),
    rssMb: {
      worker: Math.round(measure.rssMb.worker),
      api: Math.round(measure.rssMb.api),
      probe: Math.round(measure.rssMb.probe),
    },
    notes: [
      "redis CPU and commandstats are redis-server's whole: shared with whatever else uses it",
      "postgresOther: the server's background processes (checkpointer, walwriter, autovacuum...), shared by every database",
      "latenessAtTargetMs: request arrival at the target minus the job's slot (k*interval + the monitor's offset)",
    ],
  };
}

function mapValues<T extends Record<string, V>, V, R>(
  object: T,
  f: (value: V) => R,
): { [K in keyof T]: R } {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, f(v as V)])) as {
    [K in keyof T]: R;
  };
}

function roundAll(object: Record<string, number | null>): Record<string, number | null> {
  return mapValues(object, (v: number | null) => (v === null ? null : round(v)));
}
