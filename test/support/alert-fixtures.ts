// Builders for the alert tests (internal/alerts). Not imported by production code.
import type { Queryable } from "../../internal/db/pool.js";
import { resultFixture } from "./fixtures.js";

/** insertChannelFixture stores an alert channel straight into the database; returns its id. */
export async function insertChannelFixture(
  db: Queryable,
  orgId: string,
  channel: { kind: "discord" | "webhook"; url: string; secret?: string; name?: string },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO alert_channels (org_id, name, kind, url, secret)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [orgId, channel.name ?? `${channel.kind} channel`, channel.kind, channel.url, channel.secret],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error("channel not inserted");
  return id;
}

/**
 * resultsFixture builds one result per character of `pattern` ("u" up, "d" down), a minute
 * apart from startMs; a failure's error names its minute ("failure 3").
 */
export function resultsFixture(monitorId: string, pattern: string, startMs: number) {
  return [...pattern].map((c, i) => {
    const result = resultFixture({ monitorId, checkedAtMs: startMs + i * 60_000, up: c === "u" });
    if (c === "d") result.error = `failure ${i}`;
    return result;
  });
}

/** AlertEventRow is what tests read back from alert_events. */
export interface AlertEventRow {
  id: string;
  kind: string;
  title: string;
  message: string;
  incident_id: string | null;
  downtime_seconds: number | null;
}

/** alertEventsOf reads a monitor's alert events, oldest first. */
export async function alertEventsOf(db: Queryable, monitorId: string): Promise<AlertEventRow[]> {
  const { rows } = await db.query<AlertEventRow>(
    `SELECT id, kind, title, message, incident_id, downtime_seconds FROM alert_events
     WHERE monitor_id = $1 ORDER BY created_at, kind`,
    [monitorId],
  );
  return rows;
}
