import type { Logger } from "../core/logger.js";
import { connection } from "../db/connection.js";
import type { Queryable } from "../db/pool.js";
import { scheduleOfRow } from "./maintenance-rows.js";
import * as q from "./maintenances.queries.js";
import { occurrences } from "./schedule.js";

/**
 * MaintenanceIndex answers, on a worker's hot path, whether a monitor is in a maintenance
 * window: a map lookup and a comparison or two, no I/O. It is rebuilt from Postgres every
 * refreshEveryMs with the windows of the next horizon, so a scheduled window opens and closes
 * on time (to the check's own clock) while a maintenance created, edited or deleted takes
 * effect within refreshEveryMs.
 */
export interface MaintenanceIndex {
  /** covers says whether monitorId is in a maintenance window at atMs (epoch ms). */
  covers(monitorId: string, atMs: number): boolean;
  /** refresh reloads the index now. */
  refresh(): Promise<void>;
  /** stop ends the refresh loop and waits for a refresh in flight. */
  stop(): Promise<void>;
}

/** MaintenanceIndexOptions tune the index; the defaults are the documented freshness. */
export interface MaintenanceIndexOptions {
  /** Between reloads; 10 s by default. */
  refreshEveryMs?: number;
  now?: () => number;
}

/** DEFAULT_MAINTENANCE_REFRESH_MS is how soon a new or edited maintenance reaches the workers. */
export const DEFAULT_MAINTENANCE_REFRESH_MS = 10_000;

/** Windows a monitor has within the horizon: [start, end, start, end, …], epoch ms. */
export type WindowsByMonitor = Map<string, number[]>;

// Windows per maintenance kept in one load: a cron window every minute has 6 in 6 minutes.
const MAX_WINDOWS_PER_LOAD = 20;

/**
 * loadMaintenanceWindows reads every maintenance whose span reaches [nowMs, nowMs + horizonMs)
 * (one query) and lists, per covered monitor, its windows that overlap that range.
 */
export async function loadMaintenanceWindows(
  db: Queryable,
  nowMs: number,
  horizonMs: number,
): Promise<WindowsByMonitor> {
  const from = new Date(nowMs);
  const to = new Date(nowMs + horizonMs);
  const rows = await q.listMaintenancesInSpan.run({ now: from, until: to }, connection(db));
  const byMonitor: WindowsByMonitor = new Map();
  for (const row of rows) {
    const windows = occurrences(scheduleOfRow(row), from, to, MAX_WINDOWS_PER_LOAD);
    if (windows.length === 0) continue;
    const bounds = windows.flatMap((w) => [w.startsAt.getTime(), w.endsAt.getTime()]);
    for (const monitorId of row.covered_monitor_ids) {
      const list = byMonitor.get(monitorId);
      if (list) list.push(...bounds);
      else byMonitor.set(monitorId, [...bounds]);
    }
  }
  return byMonitor;
}

/** coversAt says whether one of windows ([start, end, …]) holds atMs. */
export function coversAt(windows: readonly number[] | undefined, atMs: number): boolean {
  if (windows === undefined) return false;
  for (let i = 0; i + 1 < windows.length; i += 2) {
    // biome-ignore lint/style/noNonNullAssertion: i and i + 1 are inside the array (loop bound).
    if (atMs >= windows[i]! && atMs < windows[i + 1]!) return true;
  }
  return false;
}

/**
 * startMaintenanceIndex loads the index at once and then every refreshEveryMs. The horizon is
 * six refreshes long, so a reload that fails (Postgres away) leaves the windows already known
 * in force for a minute; after that, until a reload succeeds, checks count as usual.
 */
export function startMaintenanceIndex(
  deps: { pool: Queryable; log: Logger },
  options: MaintenanceIndexOptions = {},
): MaintenanceIndex {
  const refreshEveryMs = options.refreshEveryMs ?? DEFAULT_MAINTENANCE_REFRESH_MS;
  const horizonMs = 6 * refreshEveryMs;
  const now = options.now ?? Date.now;
  let windows: WindowsByMonitor = new Map();
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const refresh = (): Promise<void> => {
    inFlight ??= loadMaintenanceWindows(deps.pool, now(), horizonMs)
      .then((loaded) => {
        windows = loaded;
      })
      .catch((error: unknown) => {
        deps.log.warn("loading maintenance windows failed; keeping the last ones", { error });
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  const loop = () => {
    void refresh().then(() => {
      if (!stopped) timer = setTimeout(loop, refreshEveryMs).unref();
    });
  };
  loop();

  return {
    covers: (monitorId, atMs) => windows.size > 0 && coversAt(windows.get(monitorId), atMs),
    refresh,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
