import type pg from "pg";
import type { Monitor } from "../../../gen/pulsar/v1/monitor_pb.js";
import { withTransaction } from "../../db/transaction.js";
import {
  type ResolvedMonitorSpec,
  setMonitorEnabled,
  updateMonitor,
} from "../monitors/monitors.js";
import { resetMonitorStatus } from "./monitor-states.js";

// Pausing a monitor ends its status along with its checks. Its open incident is ended now, and
// no RECOVERED alert is sent: nobody checked that the target came back, and whoever paused it
// knows it is paused; a recovery would tell the channels something untrue. Its status starts
// afresh: once resumed, its first results decide (an UP monitor is not assumed UP, a DOWN one
// not assumed DOWN, so a resumed monitor neither stays in a stale incident nor alerts again
// for the old one). Each runs in one transaction with the monitor's update: the monitors row
// first, then its status row, the order DeleteMonitor's cascade takes them in.

/**
 * pauseMonitor disables an organization's monitor, ends its open incident and resets its
 * status; undefined when the organization has no such monitor.
 */
export async function pauseMonitor(
  pool: Pick<pg.Pool, "connect">,
  orgId: string,
  id: string,
): Promise<Monitor | undefined> {
  return withTransaction(pool, async (tx) => {
    const monitor = await setMonitorEnabled(tx, orgId, id, false);
    if (monitor) await resetMonitorStatus(tx, id);
    return monitor;
  });
}

/**
 * updateMonitorSpec replaces an organization's monitor's spec; when the new spec pauses it, its
 * open incident ends and its status resets as with pauseMonitor. Undefined when the
 * organization has no such monitor.
 */
export async function updateMonitorSpec(
  pool: Pick<pg.Pool, "connect">,
  orgId: string,
  id: string,
  spec: ResolvedMonitorSpec,
): Promise<Monitor | undefined> {
  return withTransaction(pool, async (tx) => {
    const monitor = await updateMonitor(tx, orgId, id, spec);
    if (monitor && !monitor.enabled) await resetMonitorStatus(tx, id);
    return monitor;
  });
}
