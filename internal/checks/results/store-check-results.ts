import type pg from "pg";
import type { CheckResult } from "../../../gen/pulsar/v1/check_pb.js";
import type { OwnedAlertEvent } from "../../alerts/alert-event.js";
import { recordMonitorAlerts } from "../../alerts/monitor-alerts.js";
import type { Queryable } from "../../db/pool.js";
import { withTransaction } from "../../db/transaction.js";
import { advanceMonitorStates, type MonitorBatchStatus } from "../status/advance-states.js";
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
 * (internal/alerts/monitor-alerts.ts), in one transaction: three round trips plus BEGIN and
 * COMMIT whatever the batch size, four when some monitor went down, recovered or is due a
 * reminder. The state rows stay locked from the decision to COMMIT, so two workers storing
 * results of one monitor at once cannot both alert. The caller publishes the results and hands
 * out the alert events once this has returned, i.e. committed.
 */
export async function storeCheckResults(
  pool: Pick<pg.Pool, "connect">,
  results: readonly CheckResult[],
): Promise<StoredCheckResults> {
  if (results.length === 0) return { monitors: new Map(), alertEvents: [] };
  return withTransaction(pool, (client) => storeCheckResultsIn(client, results));
}

/**
 * storeCheckResultsIn is storeCheckResults inside the caller's transaction, for writers whose
 * own rows must change with the results (heartbeat pings and missed deadlines move
 * heartbeat_state). It locks monitor_state rows until the caller's COMMIT; rows the caller
 * locks too must be locked before it, in one order, so that writers cannot deadlock.
 */
export async function storeCheckResultsIn(
  client: Queryable,
  results: readonly CheckResult[],
): Promise<StoredCheckResults> {
  if (results.length === 0) return { monitors: new Map(), alertEvents: [] };
  await insertCheckResults(client, results);
  const { monitors, alerted } = await advanceMonitorStates(client, results);
  return { monitors, alertEvents: await recordMonitorAlerts(client, alerted) };
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
