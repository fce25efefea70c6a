import { existsSync } from "node:fs";
import type { Redis } from "ioredis";
import type pg from "pg";

/** CommandStats are Redis's cumulative calls and microseconds per command (INFO commandstats). */
export type CommandStats = Map<string, { calls: number; usec: number }>;

/** redisCommandStats reads INFO commandstats: server-wide, whoever else uses the server. */
export async function redisCommandStats(redis: Redis): Promise<CommandStats> {
  const stats: CommandStats = new Map();
  for (const line of (await redis.info("commandstats")).split("\n")) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (match) stats.set(match[1] ?? "", { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

/**
 * redisLocalPid is redis-server's pid (INFO server process_id) when that process is on this
 * machine, else undefined (a remote server, or one in a container with its own pids).
 */
export async function redisLocalPid(redis: Redis): Promise<number | undefined> {
  const info = await redis.info("server");
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1] ?? 0);
  return pid > 0 && existsSync(`/proc/${pid}/stat`) ? pid : undefined;
}

/** RedisPerCheck is what Redis did per stored check between two CommandStats. */
export interface RedisPerCheck {
  commandsPerCheck: number;
  usecPerCheck: number;
  /** The ten most called commands: calls per check and their share of Redis's command time. */
  top: { command: string; perCheck: number; timeShare: number }[];
}

/** redisPerCheck divides the deltas between `before` and `after` by `checks`. */
export function redisPerCheck(
  before: CommandStats,
  after: CommandStats,
  checks: number,
): RedisPerCheck {
  const deltas = [...after].map(([command, a]) => {
    const b = before.get(command) ?? { calls: 0, usec: 0 };
    return { command, calls: a.calls - b.calls, usec: a.usec - b.usec };
  });
  const calls = deltas.reduce((sum, d) => sum + d.calls, 0);
  const usec = deltas.reduce((sum, d) => sum + d.usec, 0);
  const top = deltas
    .filter((d) => d.calls > 0)
    .sort((x, y) => y.calls - x.calls)
    .slice(0, 10)
    .map((d) => ({
      command: d.command,
      perCheck: round(d.calls / checks),
      timeShare: round(usec > 0 ? d.usec / usec : 0),
    }));
  return { commandsPerCheck: round(calls / checks), usecPerCheck: round(usec / checks), top };
}

/** The pg_stat_database counters the bench reports, per check. */
const DATABASE_COUNTERS = [
  "xact_commit",
  "tup_inserted",
  "tup_updated",
  "tup_deleted",
  "tup_fetched",
  "tup_returned",
  "blks_hit",
  "blks_read",
] as const;

/** DatabaseStats are one database's cumulative pg_stat_database counters. */
export type DatabaseStats = Record<(typeof DATABASE_COUNTERS)[number], number>;

/**
 * databaseStats reads pg_stat_database for `database`. Backends report their counters when a
 * transaction ends (at most once a second), so a window's deltas lag it by about that much.
 */
export async function databaseStats(admin: pg.Client, database: string): Promise<DatabaseStats> {
  const { rows } = await admin.query(
    `SELECT ${DATABASE_COUNTERS.join(", ")} FROM pg_stat_database WHERE datname = $1`,
    [database],
  );
  const row = rows[0] ?? {};
  return Object.fromEntries(
    DATABASE_COUNTERS.map((name) => [name, Number(row[name] ?? 0)]),
  ) as DatabaseStats;
}

/** databasePerCheck divides each counter's delta by `checks`. */
export function databasePerCheck(
  before: DatabaseStats,
  after: DatabaseStats,
  checks: number,
): DatabaseStats {
  return Object.fromEntries(
    DATABASE_COUNTERS.map((name) => [name, round((after[name] - before[name]) / checks)]),
  ) as DatabaseStats;
}

/** round keeps three decimals: enough for per-check figures. */
export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
