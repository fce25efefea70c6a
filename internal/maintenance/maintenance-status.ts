import type { Queryable } from "../db/pool.js";
import { scheduleOfRow } from "./maintenance-rows.js";
import { listOrgMaintenancesInForce } from "./maintenances.js";
import { activeAt } from "./schedule.js";

/**
 * monitorsInMaintenance is the set of the organization's monitors in a maintenance window at
 * `at`, for the status the API shows (MONITOR_STATUS_MAINTENANCE). One query of the
 * maintenances whose span holds `at` (at most MAX_MAINTENANCES_PER_ORG); read at request time, so a window shows from its first second
 * (the workers' index, which marks results, follows edits within its refresh).
 */
export async function monitorsInMaintenance(
  db: Queryable,
  orgId: string,
  at: Date,
): Promise<Set<string>> {
  const covered = new Set<string>();
  for (const row of await listOrgMaintenancesInForce(db, orgId, at)) {
    if (row.covered_monitor_ids.length === 0) continue;
    if (activeAt(scheduleOfRow(row), at) === null) continue;
    for (const id of row.covered_monitor_ids) covered.add(id);
  }
  return covered;
}
