import { randomUUID } from "node:crypto";
import type { CheckResult } from "../../../gen/pulsar/v1/check_pb.js";
import type { AlertedMonitor } from "../../alerts/monitor-transition.js";
import { timestampUs } from "../../db/timestamp-text.js";
import { evaluateCertificate } from "./certificate-expiry.js";
import type { MonitorStateColumns, MonitorStateRow } from "./monitor-states.js";
import { type AlertStatus, evaluateMonitor } from "./monitor-transitions.js";
import { pushRegionStates, type RegionVotes } from "./region-states.js";
import { lateDecision, type RegionRule, regionalResults } from "./region-votes.js";
import { certificateStateOf, pushState, stateColumns, stateOf } from "./state-columns.js";

/** MonitorBatchStatus is a monitor of a stored batch: whose it is and its status after it. */
export interface MonitorBatchStatus {
  /** Null for a monitor from before accounts, not yet adopted: nobody may see it. */
  orgId: string | null;
  status: AlertStatus;
}

/** AdvancedStates is what decideMonitorStates decided for a batch. */
export interface AdvancedStates {
  /** Every monitor of the batch that still exists; a deleted one's results are in none. */
  monitors: Map<string, MonitorBatchStatus>;
  /**
   * The monitors whose results went down, recovered, are due a reminder or read a certificate
   * close to its expiry.
   */
  alerted: AlertedMonitor[];
}

/** DecidedStates are a batch's new states (to save) and what they mean (to alert on). */
export interface DecidedStates {
  advanced: AdvancedStates;
  /** With each region's newest result. */
  columns: MonitorStateColumns;
}

/** monitorIdsOf lists a batch's monitors once each, in id order: the order rows are locked in. */
export function monitorIdsOf(results: readonly CheckResult[]): string[] {
  return [...new Set(results.map((r) => r.monitorId))].sort();
}

/**
 * decideMonitorStates moves the monitors of a stored batch to their newest results: given their
 * monitor_state rows, read under lock (lockMonitorStates, in id order), and the votes of those
 * checked from several regions (readRegionVotes), read after them, it walks each monitor's
 * results (evaluateMonitor) and decides its certificate expiry alert (evaluateCertificate),
 * returning the states to save (saveMonitorStates) and the transitions to record. The rows stay
 * locked until the caller's COMMIT, so the transitions are decided by one writer alone. Rows of
 * monitors without results in the batch are left as they are.
 *
 * A monitor checked from several regions is decided by their votes (regionalResults): the walk
 * sees its regions' results with up as the region rule decided it, and nothing of other
 * regions; a batch of votes that all landed after a newer result of another region is decided
 * at once, as one check stamped just after that result (lateDecision). One of a single region (the default one included) is decided by its results as
 * they are, whichever region they name: a region's results are labelled with the REGION of
 * the worker that checked, and one region's monitor counted every result before regions
 * existed. Only a monitor of several regions has each region's newest result saved as its
 * latest (saveMonitorStates): its vote, and what GetMonitor shows of the region; one of a
 * single region has no votes, and GetMonitor shows its own latest result for its region.
 */
export function decideMonitorStates(
  rows: readonly MonitorStateRow[],
  results: readonly CheckResult[],
  votes: RegionVotes = new Map(),
): DecidedStates {
  const byMonitor = new Map<string, CheckResult[]>();
  for (const result of results) {
    const list = byMonitor.get(result.monitorId);
    if (list) list.push(result);
    else byMonitor.set(result.monitorId, [result]);
  }
  const columns = stateColumns();
  const advanced: AdvancedStates = { monitors: new Map(), alerted: [] };
  for (const row of rows) {
    const results = byMonitor.get(row.monitor_id);
    if (results === undefined) continue;
    const orgId = row.org_id;
    // A monitor from before accounts belongs to nobody: there is nobody to alert.
    const alerting = row.enabled && orgId !== null;
    const initial = stateOf(row);
    let counted = results;
    if (row.regions.length > 1) {
      const policy = {
        regions: row.regions,
        rule: row.region_rule as RegionRule,
        intervalSeconds: row.interval_seconds,
      };
      const latest = new Map(votes.get(row.monitor_id));
      const regional = regionalResults(policy, latest, results);
      const late = lateDecision(policy, latest, regional, initial.lastCheckedUs);
      counted = late ? [late] : regional.effective;
      pushRegionStates(columns, row.monitor_id, regional.newest.values());
    }
    const { state, transitions, newest } = evaluateMonitor(
      {
        alerting,
        confirmations: row.confirmations,
        recoveryConfirmations: row.recovery_confirmations,
        reminderMinutes: row.reminder_minutes,
      },
      initial,
      counted,
      randomUUID,
    );
    advanced.monitors.set(row.monitor_id, { orgId, status: state.status });
    // Every result was older than the state (a late batch): nothing moved.
    if (!newest) continue;
    const certificate = evaluateCertificate(
      { alerting, thresholdDays: row.tls_expiry_alert_days },
      certificateStateOf(row),
      counted,
      initial.lastCheckedUs,
    );
    pushState(columns, row.monitor_id, state, certificate.state, newest);
    if (certificate.alert) {
      transitions.push(certificate.alert);
      // In the order the deciding checks ran (a stable sort: down stays before recovered).
      transitions.sort((a, b) => {
        const [x, y] = [timestampUs(a.result.checkedAt), timestampUs(b.result.checkedAt)];
        return x < y ? -1 : x > y ? 1 : 0;
      });
    }
    if (orgId === null || transitions.length === 0) continue;
    advanced.alerted.push({
      id: row.monitor_id,
      orgId,
      name: row.name,
      kind: row.kind,
      url: row.url,
      kindSpec: row.kind_spec,
      alertChannelIds: row.alert_channel_ids,
      transitions,
    });
  }
  return { advanced, columns };
}
