import { toJson } from "@bufbuild/protobuf";
import { type CheckResult, CheckResultSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { toJsonParam } from "../../db/json.js";
import { usText } from "../../db/timestamp-text.js";
import type { CertificateState } from "./certificate-expiry.js";
import type { MonitorStateColumns, MonitorStateRow } from "./monitor-states.js";
import type { AlertState, AlertStatus } from "./monitor-transitions.js";

// The parallel columns of SaveMonitorStates, filled monitor by monitor and sent in one
// statement.

const big = (value: string | null): bigint | null => (value === null ? null : BigInt(value));

/** stateOf reads the state LockMonitorStates returned. */
export function stateOf(row: MonitorStateRow): AlertState {
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

/** certificateStateOf reads the certificate alerts' state LockMonitorStates returned. */
export function certificateStateOf(row: MonitorStateRow): CertificateState {
  return {
    alertedExpiresUs: big(row.tls_alerted_expires_us),
    alertedDays: row.tls_alerted_days,
  };
}

/** stateColumns returns empty columns for SaveMonitorStates. */
export function stateColumns(): MonitorStateColumns {
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
    tlsAlertedExpiresAts: [],
    tlsAlertedDays: [],
    regionMonitorIds: [],
    regions: [],
    regionCheckedAts: [],
    regionUps: [],
    regionResults: [],
  };
}

/** pushState adds a monitor's state, and its certificate's, after its newest counted result. */
export function pushState(
  columns: MonitorStateColumns,
  monitorId: string,
  state: AlertState,
  certificate: CertificateState,
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
  columns.tlsAlertedExpiresAts.push(usText(certificate.alertedExpiresUs));
  columns.tlsAlertedDays.push(
    certificate.alertedDays === null ? "" : String(certificate.alertedDays),
  );
}
