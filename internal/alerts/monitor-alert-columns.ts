import { toJson } from "@bufbuild/protobuf";
import { CheckResultSchema } from "../../gen/pulsar/v1/check_pb.js";
import { toJsonParam } from "../db/json.js";
import { timestampUs, usText } from "../db/timestamp-text.js";
import type { MonitorAlerts } from "./alerts-db.js";
import type { MonitorAlertText } from "./monitor-alert-text.js";
import type { MonitorTransition } from "./monitor-transition.js";

// The parallel columns of InsertMonitorAlerts, filled transition by transition and sent in one
// statement.

const KIND_NAMES = {
  down: "monitor_down",
  recovered: "monitor_recovered",
  reminder: "monitor_reminder",
  tls_expiry: "tls_expiry",
} as const satisfies Record<MonitorTransition["kind"], string>;

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
