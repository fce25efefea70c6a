import { InvalidArgumentError } from "../../core/errors.js";
import type { Queryable } from "../../db/pool.js";
import { filterOrgChannelIds } from "../alert-admin.js";

/**
 * requireOrgChannels checks that every id names an alert channel of the organization, else
 * throws naming the first that does not (`monitor.alertChannelIds[1]`): another
 * organization's channel is refused exactly like one that does not exist. `ids` are UUIDs
 * already checked, as the client wrote them (so that the index in the message is theirs).
 */
export async function requireOrgChannels(
  db: Queryable,
  orgId: string,
  field: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  const lower = ids.map((id) => id.toLowerCase());
  const known = await filterOrgChannelIds(db, orgId, [...new Set(lower)]);
  const missing = lower.findIndex((id) => !known.has(id));
  if (missing >= 0) {
    throw new InvalidArgumentError(`${field}[${missing}]`, "names no channel of this organization");
  }
}
