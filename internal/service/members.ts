import type { ServiceImpl } from "@connectrpc/connect";
import type pg from "pg";
import { type AuthService, Role } from "../../gen/pulsar/v1/auth_pb.js";
import * as accounts from "../accounts/accounts.js";
import * as members from "../accounts/members.js";
import { type Caller, getCaller } from "../auth/caller.js";
import type { Revocation } from "../auth/revocations.js";
import { newSecret } from "../auth/secrets.js";
import { InvalidArgumentError, NotFoundError, PermissionDeniedError } from "../core/errors.js";
import { requireUuid } from "../core/validate.js";
import { withTransaction } from "../db/transaction.js";
import { insertWithinQuota, type OrgQuotas } from "../quota/org-quotas.js";
import { requireEmail } from "./account-input.js";
import { invitationMessage, userMessage } from "./account-messages.js";
import { type Member, requireMember } from "./require-member.js";

/** MemberRpcs are the AuthService methods about who belongs to an organization. */
export type MemberRpcs = Pick<
  ServiceImpl<typeof AuthService>,
  "listMembers" | "removeMember" | "createInvitation" | "listInvitations" | "revokeInvitation"
>;

/** MemberRpcDeps are what the member RPCs use. */
export interface MemberRpcDeps {
  pool: pg.Pool;
  quotas: OrgQuotas;
  /** Announces ended sessions and tokens to every API process; never throws. */
  announce: (revocation: Revocation) => Promise<void>;
  now: () => Date;
}

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * createMemberRpcs implements ListMembers (any member), and RemoveMember, CreateInvitation,
 * ListInvitations and RevokeInvitation (signed-in admins only: an API token is not an admin,
 * whoever created it).
 */
export function createMemberRpcs(deps: MemberRpcDeps): MemberRpcs {
  const { pool } = deps;
  return {
    async listMembers(_req, ctx) {
      const rows = await members.listMembers(pool, getCaller(ctx).orgId);
      return { members: rows.map(userMessage) };
    },

    async removeMember(req, ctx) {
      const admin = requireAdmin(getCaller(ctx), "remove members");
      const userId = requireUuid("userId", req.userId);
      if (userId === admin.user.id) {
        throw new InvalidArgumentError("userId", "is yourself; another admin must remove you");
      }
      const revokedTokens = await withTransaction(pool, async (tx) => {
        await members.lockMembers(tx, admin.orgId);
        // Under the lock: an admin removed a moment ago (by another admin removing them at
        // the same time) removes no one, so an organization always keeps an admin.
        if ((await members.findMemberRole(tx, admin.orgId, admin.user.id)) !== "admin") {
          throw new PermissionDeniedError("only admins may remove members");
        }
        const tokens = await members.revokeTokensCreatedBy(tx, admin.orgId, userId);
        // Another organization's user is not_found like an unknown one.
        if (!(await members.deleteMember(tx, admin.orgId, userId))) {
          throw new NotFoundError(`member ${userId} not found`);
        }
        return tokens;
      });
      // After commit: a stream that reconnects on the notice must find the credential gone.
      await deps.announce({ case: "userId", value: userId });
      for (const id of revokedTokens) await deps.announce({ case: "apiTokenId", value: id });
      return {};
    },

    async createInvitation(req, ctx) {
      const admin = requireAdmin(getCaller(ctx), "invite people");
      const email = requireEmail("email", req.email);
      const role = req.role === Role.ADMIN ? "admin" : "member";
      const secret = newSecret("invite");
      const invitation = await insertWithinQuota(
        pool,
        { orgId: admin.orgId, kind: "members", limit: deps.quotas.members },
        (tx) =>
          accounts.insertInvitation(tx, {
            orgId: admin.orgId,
            email,
            role,
            tokenHash: secret.hash,
            createdBy: admin.user.id,
            expiresAt: new Date(deps.now().getTime() + INVITATION_TTL_MS),
          }),
      );
      return { invitationToken: secret.secret, invitation: invitationMessage(invitation) };
    },

    async listInvitations(_req, ctx) {
      const admin = requireAdmin(getCaller(ctx), "see invitations");
      const rows = await members.listInvitations(pool, admin.orgId);
      return { invitations: rows.map(invitationMessage) };
    },

    async revokeInvitation(req, ctx) {
      const admin = requireAdmin(getCaller(ctx), "revoke invitations");
      const id = requireUuid("id", req.id);
      if (!(await members.deleteInvitation(pool, admin.orgId, id))) {
        throw new NotFoundError(`invitation ${id} not found`);
      }
      return {};
    },
  };
}

/** requireAdmin allows only a signed-in admin. */
function requireAdmin(caller: Caller, what: string): Member {
  const member = requireMember(caller, what);
  if (member.role !== "admin") throw new PermissionDeniedError(`only admins may ${what}`);
  return member;
}
