// Heartbeat monitors written straight into Postgres, for the tests and the bench of the ping
// endpoint and the sweeper. Not imported by production code.
import { randomBytes } from "node:crypto";
import { create, type MessageInitShape, toJson } from "@bufbuild/protobuf";
import { HeartbeatSpecSchema } from "../../gen/pulsar/v1/check_pb.js";
import { armHeartbeat } from "../../internal/checks/heartbeat/heartbeat-state.js";
import type { Queryable } from "../../internal/db/pool.js";

/** HeartbeatMonitorOptions are what tests vary; the rest are the product's defaults. */
export interface HeartbeatMonitorOptions {
  spec?: MessageInitShape<typeof HeartbeatSpecSchema>;
  confirmations?: number;
  recoveryConfirmations?: number;
  enabled?: boolean;
  name?: string;
  /** When the monitor starts being watched (its first deadline counts from it); now. */
  armedAtMs?: number;
}

/** HeartbeatMonitor is a monitor made for a test: its id and ping token. */
export interface HeartbeatMonitor {
  id: string;
  token: string;
}

/** newPingToken is a token as the monitor service makes them: 24 URL-safe characters. */
export function newPingToken(): string {
  return randomBytes(18).toString("base64url");
}

/**
 * createHeartbeatMonitor inserts a heartbeat monitor of orgId with its monitor_state row and,
 * when enabled, arms it (heartbeat_state) as the monitor service does on creation.
 */
export async function createHeartbeatMonitor(
  db: Queryable,
  orgId: string,
  options: HeartbeatMonitorOptions = {},
): Promise<HeartbeatMonitor> {
  const spec = create(HeartbeatSpecSchema, {
    graceSeconds: 300,
    timezone: "UTC",
    ...options.spec,
  });
  if (spec.cron === "" && spec.periodSeconds === 0) spec.periodSeconds = 3600;
  const token = newPingToken();
  const enabled = options.enabled ?? true;
  const { rows } = await db.query<{ id: string }>(
    `WITH m AS (
       INSERT INTO monitors (org_id, name, url, interval_seconds, timeout_ms, expected_status,
         enabled, confirmations, recovery_confirmations, kind, kind_spec, ping_token)
       VALUES ($1, $2, '', 60, 10000, '[]', $3, $4, $5, 'heartbeat', $6, $7)
       RETURNING id
     ), s AS (
       INSERT INTO monitor_state (monitor_id) SELECT id FROM m
     )
     SELECT id FROM m`,
    [
      orgId,
      options.name ?? "nightly backup",
      enabled,
      options.confirmations ?? 1,
      options.recoveryConfirmations ?? 1,
      JSON.stringify(toJson(HeartbeatSpecSchema, spec)),
      token,
    ],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error("inserting a heartbeat monitor returned no row");
  if (enabled) await armHeartbeat(db, id, spec, options.armedAtMs ?? Date.now());
  else await db.query("INSERT INTO heartbeat_state (monitor_id) VALUES ($1)", [id]);
  return { id, token };
}
