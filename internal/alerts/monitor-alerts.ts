import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  AlertDeliverySchema,
  AlertEventSchema,
  AlertKind,
  DeliveryStatus,
} from "../../gen/pulsar/v1/alert_pb.js";
import type { Queryable } from "../db/pool.js";
import type { OwnedAlertEvent } from "./alert-event.js";
import { insertMonitorAlerts } from "./alerts-db.js";
import { alertColumns, pushTransition } from "./monitor-alert-columns.js";
import { monitorAlertText } from "./monitor-alert-text.js";
import type { AlertedMonitor, MonitorTransition } from "./monitor-transition.js";

const KINDS: Record<MonitorTransition["kind"], AlertKind> = {
  down: AlertKind.MONITOR_DOWN,
  recovered: AlertKind.MONITOR_RECOVERED,
  reminder: AlertKind.MONITOR_REMINDER,
  tls_expiry: AlertKind.TLS_EXPIRY,
};

/**
 * recordMonitorAlerts records what the transitions it is handed (decided by
 * internal/checks/status under the monitors' row locks) leave behind: incidents opened and
 * closed (certificate alerts touch none), alert events and one pending delivery per event and
 * channel, in one statement inside
 * the caller's transaction, none when there is no transition. Returns the events as stored, in
 * the order they happened, each with its pending deliveries: the caller hands them out
 * (internal/alerts/hand-out.ts) once the transaction has committed.
 */
export async function recordMonitorAlerts(
  db: Queryable,
  alerted: readonly AlertedMonitor[],
): Promise<OwnedAlertEvent[]> {
  const columns = alertColumns();
  const events: OwnedAlertEvent[] = [];
  for (const monitor of alerted) {
    const channelIds = [...new Set(monitor.alertChannelIds)];
    for (const transition of monitor.transitions) {
      const text = monitorAlertText(transition, monitor);
      const eventId = randomUUID();
      pushTransition(columns, {
        eventId,
        orgId: monitor.orgId,
        monitorId: monitor.id,
        channelIds,
        transition,
        text,
      });
      events.push({
        orgId: monitor.orgId,
        event: create(AlertEventSchema, {
          id: eventId,
          kind: KINDS[transition.kind],
          monitorId: monitor.id,
          incidentId: transition.incidentId ?? "",
          title: text.title,
          message: text.message,
          checkResult: transition.result,
          downtimeSeconds: text.downtimeSeconds,
        }),
      });
    }
  }
  if (events.length === 0) return [];
  const stored = new Map((await insertMonitorAlerts(db, columns)).map((row) => [row.id, row]));
  const recorded: OwnedAlertEvent[] = [];
  for (const entry of events) {
    const row = stored.get(entry.event.id);
    if (!row) continue;
    entry.event.createdAt = timestampFromDate(row.created_at);
    row.channel_ids.forEach((channelId, i) => {
      entry.event.deliveries.push(
        create(AlertDeliverySchema, {
          channelId,
          channelName: row.channel_names[i] ?? "",
          status: DeliveryStatus.PENDING,
        }),
      );
    });
    recorded.push(entry);
  }
  return recorded;
}
