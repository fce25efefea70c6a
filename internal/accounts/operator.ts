import { connection } from "../db/connection.js";
import type { Queryable } from "../db/pool.js";
import * as q from "./operator.queries.js";

/**
 * findOperatorOrgId returns the id of the operator organization, the first one created; undefined
 * before anyone has signed up.
 */
export async function findOperatorOrgId(db: Queryable): Promise<string | undefined> {
  const [row] = await q.findOperatorOrganization.run(undefined, connection(db));
  return row?.id;
}
