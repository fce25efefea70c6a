import type pg from "pg";
import * as accounts from "../accounts/accounts.js";
import type { Caller } from "../auth/caller.js";
import { NotFoundError, PermissionDeniedError } from "../core/errors.js";
import { requireMember } from "./require-member.js";

/**
 * revokeToken revokes a live token of the caller's organization, for RevokeApiToken and
 * RevokeAgentToken. Only a signed-in admin, or the member who created the token, may: a leaked
 * API token must not be able to cut off every script and agent of its organization, nor may
 * one member revoke another's. A token of another organization, or of another scope, is
 * not_found like an unknown one, and so is one already revoked.
 */
export async function revokeToken(
  pool: pg.Pool,
  caller: Caller,
  request: { id: string; scopes: readonly accounts.TokenScopeName[]; noun: string },
): Promise<void> {
  const { id, scopes, noun } = request;
  // Looked up first: the caller's organization's tokens are theirs to list anyway, so an id
  // it does not hold answers not_found whoever asks.
  const token = await accounts.findLiveApiToken(pool, caller.orgId, id, scopes);
  if (!token) throw new NotFoundError(`${noun} ${id} not found`);
  const member = requireMember(caller, "revoke tokens");
  if (member.role !== "admin" && token.createdBy !== member.user.id) {
    throw new PermissionDeniedError(
      `only an admin or the member who created ${noun} ${id} may revoke it`,
    );
  }
  // Revoked in between by someone else: the outcome the caller asked for, said as for any
  // token that is no longer live.
  if (!(await accounts.revokeApiToken(pool, member.orgId, id, scopes))) {
    throw new NotFoundError(`${noun} ${id} not found`);
  }
}
