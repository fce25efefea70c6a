import { randomUUID } from "node:crypto";
import type { CheckResult } from "../../../gen/pulsar/v1/check_pb.js";
import type { AlertedMonitor } from "../../alerts/monitor-transition.js";
import type { Queryable } from "../../db/pool.js";
import { lockMonitorStates, saveMonitorStates } from "./monitor-states.js";
import { type AlertStatus, evaluateMonitor } from "./monitor-transitions.js";
import { pushState, stateColumns, stateOf } from "./state-columns.js";

/** MonitorBatchStatus is a monitor of a stored batch: whose it is and its status after it. */
export interface MonitorBatchStatus {
  /** Null for a monitor from before accounts, not yet adopted: nobody may see it. */
  orgId: string | null;
  status: AlertStatus;
}

/** AdvancedStates is what advanceMonitorStates decided for a batch. */
export interface AdvancedStates {
  /** Every monitor of the batch that still exists; a deleted one's results are in none. */
  monitors: Map<string, MonitorBatchStatus>;
  /** The monitors whose results went down, recovered or are due a reminder. */
  alerted: AlertedMonitor[];
}

/**
 * advanceMonitorStates moves the monitors of a stored batch to their newest results, inside the
 * caller's transaction: it locks their monitor_state rows (in id order), walks each monitor's
 * results (evaluateMonitor) and writes the states back, two statements for the whole batch.
 * The rows stay locked until the caller's COMMIT, so the transitions it returns are decided by
 * one worker alone; recording them as alerts is the caller's next step.
 */
export async function advanceMonitorStates(
  db: Queryable,
  results: readonly CheckResult[],
): Promise<AdvancedStates> {
  const byMonitor = new Map<string, CheckResult[]>();
  for (const result of results) {
    const list = byMonitor.get(result.monitorId);
    if (list) list.push(result);
    else byMonitor.set(result.monitorId, [result]);
  }
  const rows = await lockMonitorStates(db, [...byMonitor.keys()].sort());
  const columns = stateColumns();
  const advanced: AdvancedStates = { monitors: new Map(), alerted: [] };
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
      stateOf(row),
      byMonitor.get(row.monitor_id) ?? [],
      randomUUID,
    );
    advanced.monitors.set(row.monitor_id, { orgId, status: state.status });
    // Every result was older than the state (a late batch): nothing moved.
    if (!newest) continue;
    pushState(columns, row.monitor_id, state, newest);
    if (orgId === null || transitions.length === 0) continue;
    advanced.alerted.push({
      id: row.monitor_id,
      orgId,
      name: row.name,
      url: row.url,
      alertChannelIds: row.alert_channel_ids,
      transitions,
    });
  }
  await saveMonitorStates(db, columns);
  return advanced;
}
