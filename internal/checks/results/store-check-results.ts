import type pg from "pg";
import type { CheckResult } from "../../../gen/pulsar/v1/check_pb.js";
import { type RecordedAlerts, recordMonitorStates } from "../../alerts/monitor-alerts.js";
import { withTransaction } from "../../db/transaction.js";
import { insertCheckResults } from "./results.js";

/**
 * storeCheckResults stores a batch, moves the monitors' states to their newest results and
 * decides their alerts (internal/alerts/monitor-alerts.ts), in one transaction: three round
 * trips plus BEGIN and COMMIT whatever the batch size, four when some monitor went down,
 * recovered or is due a reminder. The state rows stay locked from the decision to COMMIT, so
 * two workers storing results of one monitor at once cannot both alert. Returns the alerts
 * recorded, for the caller to enqueue and publish once committed.
 */
export async function storeCheckResults(
  pool: Pick<pg.Pool, "connect">,
  results: readonly CheckResult[],
): Promise<RecordedAlerts> {
  if (results.length === 0) return { events: [], deliveries: [] };
  return withTransaction(pool, async (client) => {
    await insertCheckResults(client, results);
    return recordMonitorStates(client, results);
  });
}
