import { connection } from "../db/connection.js";
import type { Queryable } from "../db/pool.js";
import * as q from "./quotas.queries.js";

/** CountedKind is a kind of row an organization holds a bounded number of. */
export type CountedKind =
  | "monitors"
  | "channels"
  | "hostRules"
  | "apiTokens"
  | "agentTokens"
  | "hosts"
  | "members"
  | "statusPages";

/**
 * lockOrgQuota holds, until the end of the transaction, the lock under which rows of `kind` are
 * counted and added for one organization.
 */
export async function lockOrgQuota(db: Queryable, kind: CountedKind, orgId: string): Promise<void> {
  await q.lockOrgQuota.run({ kind, orgId }, connection(db));
}

/** countOrgRows counts the rows of `kind` the organization holds now. */
export async function countOrgRows(
  db: Queryable,
  kind: CountedKind,
  orgId: string,
): Promise<number> {
  const db_ = connection(db);
  const rows = await (() => {
    switch (kind) {
      case "monitors":
        return q.countOrgMonitors.run({ orgId }, db_);
      case "channels":
        return q.countOrgChannels.run({ orgId }, db_);
      case "hostRules":
        return q.countOrgHostRules.run({ orgId }, db_);
      case "apiTokens":
        return q.countOrgTokens.run({ orgId, scopes: ["api", "worker"] }, db_);
      case "agentTokens":
        return q.countOrgTokens.run({ orgId, scopes: ["agent"] }, db_);
      case "hosts":
        return q.countOrgHosts.run({ orgId }, db_);
      case "members":
        return q.countOrgMembers.run({ orgId }, db_);
      case "statusPages":
        return q.countOrgStatusPages.run({ orgId }, db_);
    }
  })();
  return rows[0]?.count ?? 0;
}
