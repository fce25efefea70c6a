import { toJson } from "@bufbuild/protobuf";
import { type CheckResult, CheckResultSchema } from "../../gen/pulsar/v1/check_pb.js";
import {
  type AlertState,
  type AlertStatus,
  type MonitorTransition,
  timestampUs,
} from "../checks/status/monitor-transitions.js";
import { toJsonParam } from "../db/json.js";
import type { MonitorAlertRow, MonitorAlertStates, MonitorAlerts } from "./alerts-db.js";
import type { MonitorAlertText } from "./monitor-alert-text.js";

// The parallel columns of SaveMonitorAlertStates and InsertMonitorAlerts, filled monitor by
// monitor and sent in one statement each.

const KIND_NAMES = {
  down: "monitor_down",
  recovered: "monitor_recovered",
  reminder: "monitor_reminder",
} as const satisfies Record<MonitorTransition["kind"], string>;

const big = (value: string | null): bigint | null => (value === null ? null : BigInt(value));

/** usText renders epoch microseconds for a timestamptz parameter, exactly ('' for none). */
export function usText(us: bigint | null): string {
  if (us === null) return "";
  const whole = new Date(Number(us / 1000n)).toISOString().slice(0, 19);
  const micros = String(((us % 1_000_000n) + 1_000_000n) % 1_000_000n).padStart(6, "0");
  return `${whole}.${micros}Z`;
}

/** alertStateOf reads the state LockMonitorAlertStates returned. */
export function alertStateOf(row: MonitorAlertRow): AlertState {
  return {
    status: row.alert_status as AlertStatus,
    lastCheckedUs: big(row.last_checked_us),
    failures: row.consecutive_failures,
    successes: row.consecutive_successes,
    streakStartedUs: big(row.streak_started_us),
    streakError: row.streak_error,
    incidentId: row.incident_id,
    incidentStartedUs: big(row.incident_started_us),
    incidentCause: row.incident_cause ?? "",
    lastReminderUs: big(row.last_reminder_us),
  };
}

/** stateColumns returns empty columns for SaveMonitorAlertStates. */
export function stateColumns(): MonitorAlertStates {
  return {
    monitorIds: [],
    lastCheckedAts: [],
    lastUps: [],
    lastResults: [],
    alertStatuses: [],
    failures: [],
    successes: [],
    streakStartedAts: [],
    streakErrors: [],
    incidentIds: [],
    lastReminderAts: [],
  };
}

/** pushState adds a monitor's state after its newest counted result. */
export function pushState(
  columns: MonitorAlertStates,
  monitorId: string,
  state: AlertState,
  newest: CheckResult,
): void {
  columns.monitorIds.push(monitorId);
  columns.lastCheckedAts.push(usText(state.lastCheckedUs));
  columns.lastUps.push(newest.up);
  columns.lastResults.push(toJsonParam(toJson(CheckResultSchema, newest)));
  columns.alertStatuses.push(state.status);
  columns.failures.push(state.failures);
  columns.successes.push(state.successes);
  columns.streakStartedAts.push(usText(state.streakStartedUs));
  columns.streakErrors.push(state.streakError);
  columns.incidentIds.push(state.incidentId ?? "");
  columns.lastReminderAts.push(usText(state.lastReminderUs));
}

/** alertColumns returns empty columns for InsertMonitorAlerts. */
export function alertColumns(): MonitorAlerts {
  return {
    openIds: [],
    openOrgIds: [],
    openMonitorIds: [],
    openStartedAts: [],
    openEndedAts: [],
    openCauses: [],
    closeIds: [],
    closeEndedAts: [],
    eventIds: [],
    eventOrgIds: [],
    kinds: [],
    createdAts: [],
    eventMonitorIds: [],
    incidentIds: [],
    titles: [],
    messages: [],
    checkResults: [],
    downtimeSeconds: [],
    deliveryEventIds: [],
    deliveryChannelIds: [],
  };
}

/** TransitionRecord is one transition of one monitor, worded, with its event's id. */
export interface TransitionRecord {
  eventId: string;
  orgId: string;
  monitorId: string;
  channelIds: readonly string[];
  transition: MonitorTransition;
  text: MonitorAlertText;
}

/**
 * pushTransition adds what a transition records: the incident it opens or closes, its event,
 * and a delivery per channel. Transitions must come in the order they happened.
 */
export function pushTransition(columns: MonitorAlerts, record: TransitionRecord): void {
  const { transition, orgId, monitorId, eventId, text } = record;
  if (transition.kind === "down") {
    columns.openIds.push(transition.incidentId);
    columns.openOrgIds.push(orgId);
    columns.openMonitorIds.push(monitorId);
    columns.openStartedAts.push(usText(transition.startedUs));
    columns.openEndedAts.push("");
    columns.openCauses.push(transition.cause);
  } else if (transition.kind === "recovered" && transition.incidentId) {
    // Opened by this very batch: the INSERT carries its end (see InsertMonitorAlerts).
    const opened = columns.openIds.indexOf(transition.incidentId);
    if (opened >= 0) columns.openEndedAts[opened] = usText(transition.endedUs);
    else {
      columns.closeIds.push(transition.incidentId);
      columns.closeEndedAts.push(usText(transition.endedUs));
    }
  }
  columns.eventIds.push(eventId);
  columns.eventOrgIds.push(orgId);
  columns.kinds.push(KIND_NAMES[transition.kind]);
  // When the deciding check ran: the events of one batch keep their order.
  columns.createdAts.push(usText(timestampUs(transition.result.checkedAt)));
  columns.eventMonitorIds.push(monitorId);
  columns.incidentIds.push(transition.incidentId ?? "");
  columns.titles.push(text.title);
  columns.messages.push(text.message);
  columns.checkResults.push(toJsonParam(toJson(CheckResultSchema, transition.result)));
  columns.downtimeSeconds.push(text.downtimeSeconds);
  for (const channelId of record.channelIds) {
    columns.deliveryEventIds.push(eventId);
    columns.deliveryChannelIds.push(channelId);
  }
}
