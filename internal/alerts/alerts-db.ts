import type { AlertEvent } from "../../gen/pulsar/v1/alert_pb.js";
import { connection, preparedConnection } from "../db/connection.js";
import type { Queryable } from "../db/pool.js";
import { alertEventFromRow } from "./alert-rows.js";
import * as q from "./alerts.queries.js";

/** MonitorAlerts are the parallel columns InsertMonitorAlerts records. */
export type MonitorAlerts = q.InsertMonitorAlertsParams;

/** StoredAlertEvent is an event InsertMonitorAlerts stored, with the channels it goes to. */
export type StoredAlertEvent = q.InsertMonitorAlertsResult;

/**
 * insertMonitorAlerts records incidents opened and closed, events and their pending deliveries
 * in one statement; deliveries go only to channels that exist in the event's organization.
 */
export async function insertMonitorAlerts(
  db: Queryable,
  alerts: MonitorAlerts,
): Promise<StoredAlertEvent[]> {
  if (alerts.eventIds.length === 0 && alerts.closeIds.length === 0) return [];
  return q.insertMonitorAlerts.run(alerts, preparedConnection(db));
}

/** DeliveryKey names one delivery: an event to a channel. */
export interface DeliveryKey {
  eventId: string;
  channelId: string;
}

/** DeliveryStatusName is alert_deliveries.status. */
export type DeliveryStatusName = "pending" | "sending" | "delivered" | "failed";

/** DeliveryToSend is a delivery with what sending it needs. */
export interface DeliveryToSend {
  status: DeliveryStatusName;
  attempts: number;
  /** The event's organization: a worker bounds the deliveries one organization sends at once. */
  orgId: string;
  event: AlertEvent;
  /** Absent once the channel was deleted. */
  channel?: { kind: "discord" | "webhook"; url: string; secret: string | null };
  /** Absent for host events, or once the monitor was deleted. */
  monitor?: { name: string };
}

/** getDelivery reads one delivery with its event, channel and monitor; undefined if gone. */
export async function getDelivery(
  db: Queryable,
  key: DeliveryKey,
): Promise<DeliveryToSend | undefined> {
  const [row] = await q.getDelivery.run(key, connection(db));
  if (!row) return undefined;
  const event = alertEventFromRow(row, []);
  const kind = row.channel_kind;
  return {
    status: row.status as DeliveryStatusName,
    attempts: row.attempts,
    orgId: row.org_id,
    event,
    channel:
      (kind === "discord" || kind === "webhook") && row.channel_url !== null
        ? { kind, url: row.channel_url, secret: row.channel_secret }
        : undefined,
    monitor: row.monitor_name !== null ? { name: row.monitor_name } : undefined,
  };
}

/** DeliveryClaim is how claiming a delivery went. */
export type DeliveryClaim =
  /** Claimed: 'sending' now, with this many attempts in all. */
  | { claimed: true; attempts: number }
  /**
   * Not claimed. `waiting`: an earlier event of the same monitor (or host rule) to the same
   * channel is still unsent, and this one must go after it; otherwise the delivery was not in
   * one of the states asked for.
   */
  | { claimed: false; waiting: boolean };

/**
 * claimDelivery marks a delivery 'sending' (one more attempt) if its status is one of `from`
 * and no earlier event of its monitor to its channel is still pending or sending.
 */
export async function claimDelivery(
  db: Queryable,
  key: DeliveryKey,
  from: readonly DeliveryStatusName[],
): Promise<DeliveryClaim> {
  const [row] = await q.claimDelivery.run({ ...key, from: [...from] }, connection(db));
  if (row?.attempts != null) return { claimed: true, attempts: row.attempts };
  return { claimed: false, waiting: row?.waiting ?? false };
}

/**
 * settleDelivery records how a claimed delivery went: delivered, failed (error says why) or
 * pending again for a retry. Only from `from` (default: claimed, 'sending'); returns false
 * when the delivery was in another state. The one way any delivery is settled: the delivery
 * worker's sends, and TestChannel's own (its delivery is inserted already 'sending').
 */
export async function settleDelivery(
  db: Queryable,
  key: DeliveryKey,
  status: Exclude<DeliveryStatusName, "sending">,
  error: string,
  from: readonly DeliveryStatusName[] = ["sending"],
): Promise<boolean> {
  const { rowCount } = await q.settleDelivery.runWithCounts(
    { ...key, status, error, from: [...from] },
    connection(db),
  );
  return rowCount > 0;
}

/** listStaleDeliveries lists deliveries pending or sending for longer than olderThanSeconds. */
export async function listStaleDeliveries(
  db: Queryable,
  olderThanSeconds: number,
  limit: number,
): Promise<DeliveryKey[]> {
  const rows = await q.listStaleDeliveries.run({ olderThanSeconds, limit }, connection(db));
  return rows.map((row) => ({ eventId: row.event_id, channelId: row.channel_id }));
}
