import { connection } from "../db/connection.js";
import type { Queryable } from "../db/pool.js";
import * as q from "./badges.queries.js";

/** Window is the rollup counts of one uptime window: maintenance checks already left out. */
export interface UptimeCounts {
  checks: number;
  failures: number;
}

/**
 * BadgeFacts is everything the badges of one monitor draw, read in one statement: cached
 * together, so a burst of every badge of a README costs one query.
 */
export interface BadgeFacts {
  monitorId: string;
  orgId: string;
  enabled: boolean;
  /** The last check's outcome; null before the first one. */
  lastUp: boolean | null;
  uptime: { "24h": UptimeCounts; "7d": UptimeCounts; "30d": UptimeCounts };
  /** Checks of the last 24 hours that got a response, and the sum of their total_ms. */
  responses24h: number;
  totalMsSum24h: number;
}

const HOUR_MS = 3_600_000;

/**
 * hoursStart is the first UTC hour of a window of `hours` hours ending with the current one,
 * as the overview's summaries count (internal/checks/monitors/monitor-summaries.ts).
 */
export function hoursStart(now: Date, hours: number): Date {
  return new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS);
}

/**
 * loadBadgeFacts reads the facts of the monitor whose public id is publicId; undefined when
 * there is none or it has not opted in to public badges (the two are not told apart).
 */
export async function loadBadgeFacts(
  db: Queryable,
  publicId: string,
  now: Date,
): Promise<BadgeFacts | undefined> {
  const [row] = await q.getBadgeFacts.run(
    {
      publicId,
      since24h: hoursStart(now, 24),
      since7d: hoursStart(now, 7 * 24),
      since30d: hoursStart(now, 30 * 24),
    },
    connection(db),
  );
  if (!row) return undefined;
  return {
    monitorId: row.id,
    orgId: row.org_id ?? "",
    enabled: row.enabled,
    lastUp: row.last_up,
    uptime: {
      "24h": { checks: row.checks_24h, failures: row.failures_24h },
      "7d": { checks: row.checks_7d, failures: row.failures_7d },
      "30d": { checks: row.checks_30d, failures: row.failures_30d },
    },
    responses24h: row.responses_24h,
    totalMsSum24h: row.total_ms_sum_24h,
  };
}
