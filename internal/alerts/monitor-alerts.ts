import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  AlertDeliverySchema,
  AlertEventSchema,
  AlertKind,
  DeliveryStatus,
} from "../../gen/pulsar/v1/alert_pb.js";
import type { CheckResult } from "../../gen/pulsar/v1/check_pb.js";
import { evaluateMonitor, type MonitorTransition } from "../checks/status/monitor-transitions.js";
import type { Queryable } from "../db/pool.js";
import type { OwnedAlertEvent } from "./alert-event.js";
import {
  type DeliveryKey,
  insertMonitorAlerts,
  lockMonitorAlertStates,
  saveMonitorAlertStates,
} from "./alerts-db.js";
import {
  alertColumns,
  alertStateOf,
  pushState,
  pushTransition,
  stateColumns,
} from "./monitor-alert-columns.js";
import { monitorAlertText } from "./monitor-alert-text.js";

/** RecordedAlerts is what a batch's transitions leave to do once its transaction commits. */
export interface RecordedAlerts {
  /** In the order they happened. */
  events: OwnedAlertEvent[];
  /** One per event and channel, all pending: each becomes a job on the alert queue. */
  deliveries: DeliveryKey[];
}

const KINDS: Record<MonitorTransition["kind"], AlertKind> = {
  down: AlertKind.MONITOR_DOWN,
  recovered: AlertKind.MONITOR_RECOVERED,
  reminder: AlertKind.MONITOR_REMINDER,
};

/**
 * recordMonitorStates moves the monitors of a stored batch to their newest results and decides
 * their alerts, inside the caller's transaction: it locks their monitor_state rows (in id
 * order), walks each monitor's results (evaluateMonitor), writes the states back, and records
 * incidents, events and pending deliveries. Without a transition that is two statements for
 * the whole batch; with some, three. The caller queues the deliveries and publishes the events
 * once the transaction has committed.
 */
export async function recordMonitorStates(
  db: Queryable,
  results: readonly CheckResult[],
): Promise<RecordedAlerts> {
  const byMonitor = new Map<string, CheckResult[]>();
  for (const result of results) {
    const list = byMonitor.get(result.monitorId);
    if (list) list.push(result);
    else byMonitor.set(result.monitorId, [result]);
  }
  const rows = await lockMonitorAlertStates(db, [...byMonitor.keys()].sort());
  const states = stateColumns();
  const alerts = alertColumns();
  const events: OwnedAlertEvent[] = [];

  for (const row of rows) {
    const orgId = row.org_id;
    const { state, transitions, newest } = evaluateMonitor(
      {
        // A monitor from before accounts belongs to nobody: there is nobody to alert.
        alerting: row.enabled && orgId !== null,
        confirmations: row.confirmations,
        recoveryConfirmations: row.recovery_confirmations,
        reminderMinutes: row.reminder_minutes,
      },
      alertStateOf(row),
      byMonitor.get(row.monitor_id) ?? [],
      randomUUID,
    );
    if (!newest) continue;
    pushState(states, row.monitor_id, state, newest);
    // Most batches carry no transition: nothing more to do for this monitor.
    if (orgId === null || transitions.length === 0) continue;
    const channelIds = [...new Set(row.alert_channel_ids)];
    for (const transition of transitions) {
      const text = monitorAlertText(transition, row);
      const eventId = randomUUID();
      pushTransition(alerts, {
        eventId,
        orgId,
        monitorId: row.monitor_id,
        channelIds,
        transition,
        text,
      });
      events.push({
        orgId,
        event: create(AlertEventSchema, {
          id: eventId,
          kind: KINDS[transition.kind],
          monitorId: row.monitor_id,
          incidentId: transition.incidentId ?? "",
          title: text.title,
          message: text.message,
          checkResult: transition.result,
          downtimeSeconds: text.downtimeSeconds,
        }),
      });
    }
  }

  await saveMonitorAlertStates(db, states);
  const stored = new Map((await insertMonitorAlerts(db, alerts)).map((row) => [row.id, row]));
  const recorded: RecordedAlerts = { events: [], deliveries: [] };
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
      recorded.deliveries.push({ eventId: row.id, channelId });
    });
    recorded.events.push(entry);
  }
  return recorded;
}
