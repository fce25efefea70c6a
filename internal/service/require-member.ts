import type { Caller } from "../auth/caller.js";
import { PermissionDeniedError } from "../core/errors.js";

/** Member is a Caller known to be a signed-in member, not a token. */
export type Member = Caller & { user: NonNullable<Caller["user"]> };

/**
 * requireMember allows only a signed-in member: a leaked API token must not be able to mint
 * more tokens or invite people, which would outlive its revocation.
 */
export function requireMember(caller: Caller, what: string): Member {
  if (!caller.user)
    throw new PermissionDeniedError(`only a signed-in member may ${what}, not an API token`);
  return caller as Member;
}
