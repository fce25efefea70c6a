// Monitors of any kind stored straight into the database, for the tests of what reads them
// (status, alerts). Not imported by production code.
import type { Queryable } from "../../internal/db/pool.js";

/** MonitorRow sets the columns tests vary; the rest take an HTTP monitor's usual values. */
export interface MonitorRow {
  name?: string;
  /** monitors.kind: 'http' (default), 'tcp', 'dns' or 'heartbeat'. */
  kind?: string;
  /** Default https://example.com/health for HTTP, '' for the other kinds. */
  url?: string;
  /** The protobuf JSON of the kind's spec (TcpSpec, DnsSpec, HeartbeatSpec). */
  kindSpec?: object;
  alertChannelIds?: string[];
  /** Default the column's, {14,3}. */
  tlsExpiryAlertDays?: number[];
  confirmations?: number;
  enabled?: boolean;
  /** HTTP request headers (a status page must never show them). */
  headers?: Record<string, string>;
}

/** insertMonitorRow stores a monitor and its (empty) monitor_state row; returns its id. */
export async function insertMonitorRow(
  db: Queryable,
  orgId: string,
  row: MonitorRow = {},
): Promise<string> {
  const kind = row.kind ?? "http";
  const { rows } = await db.query<{ id: string }>(
    `WITH m AS (
       INSERT INTO monitors (org_id, name, url, kind, kind_spec, interval_seconds, timeout_ms,
         expected_status, alert_channel_ids, confirmations, enabled, tls_expiry_alert_days,
         headers)
       VALUES ($1, $2, $3, $4, $5, 60, 10000, '[{"min":200,"max":399}]', $6, $7, $8,
         COALESCE($9::integer[], '{14,3}'), $10)
       RETURNING id
     ), s AS (INSERT INTO monitor_state (monitor_id) SELECT id FROM m)
     SELECT id FROM m`,
    [
      orgId,
      row.name ?? "Checkout API",
      row.url ?? (kind === "http" ? "https://example.com/health" : ""),
      kind,
      row.kindSpec === undefined ? null : JSON.stringify(row.kindSpec),
      row.alertChannelIds ?? [],
      row.confirmations ?? 2,
      row.enabled ?? true,
      row.tlsExpiryAlertDays ?? null,
      JSON.stringify(row.headers ?? {}),
    ],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error("monitor not inserted");
  return id;
}
