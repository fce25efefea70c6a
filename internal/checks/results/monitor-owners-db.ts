import { isUuid } from "../../core/ids.js";
import { connection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import * as q from "./monitor-owners.queries.js";

/**
 * findMonitorOwners maps each of ids to its monitor's organization; ids of monitors that do not
 * exist (or are not UUIDs, which no monitor has) are absent from the answer.
 */
export async function findMonitorOwners(
  db: Queryable,
  ids: readonly string[],
): Promise<Map<string, string>> {
  // One malformed id must not make the uuid[] cast fail the lookup of the others.
  const valid = [...new Set(ids)].filter(isUuid);
  if (valid.length === 0) return new Map();
  const rows = await q.findMonitorOwners.run({ ids: valid }, connection(db));
  return new Map(rows.map((row) => [row.id, row.org_id]));
}
