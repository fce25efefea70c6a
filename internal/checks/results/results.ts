import type { CheckResult } from "../../../gen/pulsar/v1/check_pb.js";
import type { MonitorStats } from "../../../gen/pulsar/v1/monitor_pb.js";
import { connection, preparedConnection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import { resultColumns, resultFromRow } from "./result-row.js";
import * as q from "./results.queries.js";
import { statsOf, withCertificate } from "./stats-row.js";

/** ResultsQuery selects one monitor's results in [since, until), newest first. */
export interface ResultsQuery {
  monitorId: string;
  /** Inclusive; default: no bound. */
  since?: Date;
  /** Exclusive; default: now. */
  until?: Date;
  limit: number;
}

/** StatsQuery selects one monitor's checks from since to now; window is echoed as a label. */
export interface StatsQuery {
  monitorId: string;
  since: Date;
  window: string;
}

/**
 * insertCheckResults stores a batch in one round trip and returns how many rows were added.
 * A result already stored (same monitor and checkedAt: a retried batch) or whose monitor was
 * deleted meanwhile is skipped without failing the batch.
 */
export async function insertCheckResults(
  db: Queryable,
  results: readonly CheckResult[],
): Promise<number> {
  if (results.length === 0) return 0;
  const [row] = await q.insertCheckResults.run(resultColumns(results), preparedConnection(db));
  return row?.inserted ?? 0;
}

/** listCheckResults reads one monitor's results in a window, newest first. */
export async function listCheckResults(db: Queryable, query: ResultsQuery): Promise<CheckResult[]> {
  const rows = await q.listCheckResults.run(query, connection(db));
  return rows.map(resultFromRow);
}

/**
 * getMonitorStats summarises one monitor's checks since a time, in one query: uptime over all
 * checks; percentiles and average of the timings over the checks that got a response; the
 * certificate of the newest check in the window that saw one. Zeros when there were no checks.
 */
export async function getMonitorStats(db: Queryable, query: StatsQuery): Promise<MonitorStats> {
  const [row] = await q.getMonitorStats.run(
    { monitorId: query.monitorId, since: query.since },
    connection(db),
  );
  return withCertificate(statsOf(query.window, row), row);
}
