import type pg from "pg";
import { findOperatorOrgId } from "../accounts/operator.js";
import type { Caller } from "../auth/caller.js";
import { PermissionDeniedError } from "../core/errors.js";

/** SystemAdminCheck says whether a caller is a system admin. */
export type SystemAdminCheck = (caller: Caller) => Promise<boolean>;

/**
 * createSystemAdminCheck decides who is a system admin: a member signed in (never an API token:
 * the figures cover every tenant, and a leaked token must not read them; /metrics serves
 * automation) who is an admin of the operator organization, the first one created. That
 * organization never changes once it exists (organizations are not deleted), so its id is
 * looked up until found, then kept.
 */
export function createSystemAdminCheck(pool: pg.Pool): SystemAdminCheck {
  let operatorOrgId: string | undefined;
  return async (caller) => {
    if (!caller.user || caller.role !== "admin") return false;
    operatorOrgId ??= await findOperatorOrgId(pool);
    return caller.orgId === operatorOrgId;
  };
}

/** requireSystemAdmin throws permission_denied unless the caller is a system admin. */
export async function requireSystemAdmin(
  isSystemAdmin: SystemAdminCheck,
  caller: Caller,
): Promise<void> {
  if (!(await isSystemAdmin(caller))) {
    throw new PermissionDeniedError(
      "only a signed-in admin of the operator organization (the first one created) may see the system's figures",
    );
  }
}
