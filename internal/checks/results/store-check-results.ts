import type pg from "pg";
import type { CheckResult } from "../../../gen/pulsar/v1/check_pb.js";
import { MonitorStatus } from "../../../gen/pulsar/v1/monitor_pb.js";
import type { OwnedAlertEvent } from "../../alerts/alert-event.js";
import type { AlertHandOut } from "../../alerts/hand-out.js";
import { recordMonitorAlerts } from "../../alerts/monitor-alerts.js";
import type { Logger } from "../../core/logger.js";
import type { Queryable } from "../../db/pool.js";
import { type SendCommit, withTransaction } from "../../db/transaction.js";
import type { StreamPublisher } from "../../stream/publisher.js";
import {
  decideMonitorStates,
  type MonitorBatchStatus,
  monitorIdsOf,
} from "../status/advance-states.js";
import {
  lockMonitorStates,
  type MonitorStateRow,
  saveMonitorStates,
} from "../status/monitor-states.js";
import { readRegionVotes } from "../status/region-states.js";
import { insertCheckResults } from "./results.js";

/** StoredCheckResults is what a committed batch leaves to do: publish it, hand out its alerts. */
export interface StoredCheckResults {
  /**
   * Every monitor of the batch that still exists, with its organization (where its results are
   * published) and its status after the batch. A deleted monitor is absent: its results were
   * not stored and must not be published.
   */
  monitors: Map<string, MonitorBatchStatus>;
  /** The alert events the batch decided, in order, each with its pending deliveries. */
  alertEvents: OwnedAlertEvent[];
}

/**
 * storeCheckResults stores a batch, moves the monitors' status to their newest results
 * (internal/checks/status) and records the alerts their transitions decided
 * (internal/alerts/monitor-alerts.ts), in one transaction (see storeCheckResultsIn). The state
 * rows stay locked from the decision to COMMIT, so two workers storing results of one monitor
 * at once cannot both alert. The caller publishes the results and hands out the alert events
 * once this has returned, i.e. committed.
 */
export async function storeCheckResults(
  pool: Pick<pg.Pool, "connect">,
  results: readonly CheckResult[],
): Promise<StoredCheckResults> {
  if (results.length === 0) return { monitors: new Map(), alertEvents: [] };
  return withTransaction(pool, (client, sendCommit) =>
    storeCheckResultsIn(client, results, { sendCommit }),
  );
}

/**
 * storeCheckResultsIn is storeCheckResults inside the caller's transaction, for writers whose
 * own rows must change with the results (heartbeat pings and missed deadlines move
 * heartbeat_state). Four statements whatever the batch size, in two round trips on a pipelined
 * client (internal/db/pool.ts): the results inserted with their monitors' states locked, then
 * the new states (with each region's latest result) saved with the alerts recorded (none sent
 * when nothing alerted); in one when the caller passes the states locked already. A batch
 * with monitors checked from several regions reads their regions' latest results in a round
 * trip between the two, as their decision needs them read under the locks. It locks
 * monitor_state rows until the caller's COMMIT; rows the caller locks too must be locked before
 * it, in one order, so that writers cannot deadlock. A caller that has locked the monitors'
 * states already (in the same round trip as its own rows) passes them as lockedStates. A caller
 * whose own statements are all sent by the time it calls this passes sendCommit: COMMIT then
 * goes out with the last statements (internal/db/transaction.ts), one round trip fewer.
 */
export async function storeCheckResultsIn(
  client: Queryable,
  results: readonly CheckResult[],
  options: { lockedStates?: readonly MonitorStateRow[]; sendCommit?: SendCommit } = {},
): Promise<StoredCheckResults> {
  if (results.length === 0) {
    options.sendCommit?.();
    return { monitors: new Map(), alertEvents: [] };
  }
  const insertion = insertCheckResults(client, results);
  const rows =
    options.lockedStates ??
    (await Promise.all([insertion, lockMonitorStates(client, monitorIdsOf(results))]))[1];
  const votes = await readRegionVotes(client, rows);
  const { advanced, columns } = decideMonitorStates(rows, results, votes);
  // Each of these sends its one statement (or none) before its first await.
  const last = Promise.all([
    insertion,
    saveMonitorStates(client, columns),
    recordMonitorAlerts(client, advanced.alerted),
  ]);
  options.sendCommit?.();
  const [, , alertEvents] = await last;
  return { monitors: advanced.monitors, alertEvents };
}

/** AnnounceDeps are where a committed batch is announced. */
export interface AnnounceDeps {
  /** Publishes committed results live; none in tests that do not look. */
  publisher?: Pick<StreamPublisher, "publishCheckResults">;
  /**
   * Takes committed alert events (internal/alerts/hand-out.ts: deliveries queued, events
   * published). Without it they stay pending until a delivery worker's sweeper queues them.
   */
  handOut?: AlertHandOut;
  log: Logger;
}

/**
 * announceStored publishes a committed batch's results live, each to its monitor's
 * organization with the monitor's status after the batch, and hands out the alert events the
 * batch decided. Call it after COMMIT, so that nothing of a batch rolled back is announced.
 * A failed publish is logged as `publishing <what> failed`, not thrown (live only: the next
 * result repairs it, and replay reads Postgres), so a caller that retries what throws never
 * stores a batch twice for it.
 */
export async function announceStored(
  deps: AnnounceDeps,
  results: readonly CheckResult[],
  stored: StoredCheckResults,
  what: string,
): Promise<void> {
  if (results.length === 0) return;
  deps.publisher
    ?.publishCheckResults(results, ownersOf(stored.monitors), statusesOf(stored.monitors))
    .catch((error: unknown) => deps.log.warn(`publishing ${what} failed`, { error }));
  await deps.handOut?.(stored.alertEvents);
}

/**
 * ownersOf maps each monitor of a stored batch to its organization, for the live publish;
 * monitors nobody owns are left out, as are deleted ones (absent already).
 */
export function ownersOf(monitors: ReadonlyMap<string, MonitorBatchStatus>): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [id, { orgId }] of monitors) if (orgId !== null) owners.set(id, orgId);
  return owners;
}

/**
 * shown is the dashboard's status for a batch status. A switch, not a lookup in an object by
 * the status: that lookup deoptimized statusesOf whenever a batch brought a status its
 * optimized code had not seen (every few seconds in a worker).
 */
function shown(status: MonitorBatchStatus["status"]): MonitorStatus {
  switch (status) {
    case "up":
      return MonitorStatus.UP;
    case "down":
      return MonitorStatus.DOWN;
    case "unknown":
      return MonitorStatus.PENDING;
  }
}

/**
 * statusesOf maps each monitor of a stored batch to its status after it, for the live publish:
 * the dashboard shows it for a monitor checked from several regions, whose status is the
 * regions' verdict rather than the up of any one result.
 */
export function statusesOf(
  monitors: ReadonlyMap<string, MonitorBatchStatus>,
): Map<string, MonitorStatus> {
  const statuses = new Map<string, MonitorStatus>();
  for (const [id, { status }] of monitors) statuses.set(id, shown(status));
  return statuses;
}
