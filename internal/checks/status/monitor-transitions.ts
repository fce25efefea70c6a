import type { CheckResult } from "../../../gen/pulsar/v1/check_pb.js";
import type { MonitorTransition } from "../../alerts/monitor-transition.js";
import { timestampUs } from "../../db/timestamp-text.js";

/** AlertStatus is monitor_state.alert_status: unknown until the first counted check. */
export type AlertStatus = "unknown" | "up" | "down";

/** AlertRules are the monitor's settings that decide when it alerts. */
export interface AlertRules {
  /** False for a paused monitor (or one no organization owns): it never alerts. */
  alerting: boolean;
  /** Consecutive failures before DOWN. */
  confirmations: number;
  /** Consecutive successes before a DOWN monitor is UP again. */
  recoveryConfirmations: number;
  /** Minutes between reminders while down; 0 for none. */
  reminderMinutes: number;
}

/** AlertState is a monitor's alerting state; times are epoch microseconds (exact, as stored). */
export interface AlertState {
  status: AlertStatus;
  /** The newest check counted: older ones arriving later (batches land out of order) are not. */
  lastCheckedUs: bigint | null;
  failures: number;
  successes: number;
  /** When the current streak of failures or successes began, and its first error. */
  streakStartedUs: bigint | null;
  streakError: string;
  /** The open incident while down. */
  incidentId: string | null;
  incidentStartedUs: bigint | null;
  incidentCause: string;
  lastReminderUs: bigint | null;
}

/** Evaluation is the outcome of evaluateMonitor. */
export interface Evaluation {
  state: AlertState;
  transitions: MonitorTransition[];
  /** The newest result counted; undefined when every result was older than the state. */
  newest: CheckResult | undefined;
}

const MINUTE_US = 60_000_000n;

/**
 * evaluateMonitor walks a monitor's results of one batch in checked_at order from its state,
 * skipping results not newer than the last one counted, and decides its transitions: UP or
 * unknown → DOWN once failures reach `confirmations` (opening an incident whose start and cause
 * are the streak's first failure), DOWN → UP once successes reach `recoveryConfirmations`
 * (closing it), unknown → UP on a first success without an alert, and a reminder every
 * `reminderMinutes` of check time while down. A monitor that is not alerting (paused) counts
 * nothing and decides nothing; only its newest result moves on. A result marked maintenance
 * decides nothing either and resets the streak. Pure: the caller holds the
 * state's row lock and stores what this returns.
 */
export function evaluateMonitor(
  rules: AlertRules,
  initial: AlertState,
  results: readonly CheckResult[],
  newIncidentId: () => string,
): Evaluation {
  const state = { ...initial };
  const transitions: MonitorTransition[] = [];
  const ordered = results
    .map((result) => ({ result, us: timestampUs(result.checkedAt) }))
    .sort((a, b) => (a.us < b.us ? -1 : a.us > b.us ? 1 : 0));
  let newest: CheckResult | undefined;
  for (const { result, us } of ordered) {
    // Equal times are one check stored twice (a retried batch).
    if (state.lastCheckedUs !== null && us <= state.lastCheckedUs) continue;
    state.lastCheckedUs = us;
    newest = result;
    if (!rules.alerting) continue;
    if (result.maintenance) {
      // A check during a maintenance window decides nothing and breaks any streak: a monitor
      // still failing once the window ends alerts only after its confirmations counted from
      // there; one down before the window stays down (its incident open) without reminders.
      state.failures = 0;
      state.successes = 0;
      state.streakStartedUs = null;
      state.streakError = "";
      continue;
    }
    if (result.up) {
      if (state.successes === 0) {
        state.streakStartedUs = us;
        state.streakError = "";
      }
      state.successes++;
      state.failures = 0;
      if (state.status === "unknown") {
        state.status = "up";
      } else if (state.status === "down" && state.successes >= rules.recoveryConfirmations) {
        transitions.push({
          kind: "recovered",
          result,
          incidentId: state.incidentId,
          startedUs: state.incidentStartedUs,
          endedUs: state.streakStartedUs ?? us,
          cause: state.incidentCause,
        });
        state.status = "up";
        state.incidentId = null;
        state.incidentStartedUs = null;
        state.incidentCause = "";
        state.lastReminderUs = null;
      }
      continue;
    }
    if (state.failures === 0) {
      state.streakStartedUs = us;
      state.streakError = result.error;
    }
    state.failures++;
    state.successes = 0;
    if (state.status !== "down" && state.failures >= rules.confirmations) {
      const incidentId = newIncidentId();
      const startedUs = state.streakStartedUs ?? us;
      transitions.push({
        kind: "down",
        result,
        incidentId,
        startedUs,
        cause: state.streakError,
        failures: state.failures,
      });
      state.status = "down";
      state.incidentId = incidentId;
      state.incidentStartedUs = startedUs;
      state.incidentCause = state.streakError;
      // Reminders count from the DOWN alert.
      state.lastReminderUs = us;
    } else if (state.status === "down" && rules.reminderMinutes > 0) {
      const since = state.lastReminderUs ?? state.incidentStartedUs ?? us;
      if (us - since >= BigInt(rules.reminderMinutes) * MINUTE_US) {
        transitions.push({
          kind: "reminder",
          result,
          incidentId: state.incidentId,
          startedUs: state.incidentStartedUs,
        });
        state.lastReminderUs = us;
      }
    }
  }
  return { state, transitions, newest };
}
