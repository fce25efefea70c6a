import type { ServiceImpl } from "@connectrpc/connect";
import type pg from "pg";
import { type AuthService, TokenScope } from "../../gen/pulsar/v1/auth_pb.js";
import * as accounts from "../accounts/accounts.js";
import { type Caller, getCaller } from "../auth/caller.js";
import { clientInfoKey } from "../auth/client-info.js";
import { sessionCookie } from "../auth/cookies.js";
import type { ScryptParams } from "../auth/password.js";
import { createPasswordHasher, type PasswordHasher } from "../auth/password-hasher.js";
import type { PublishRevocation, Revocation } from "../auth/revocations.js";
import { newSecret } from "../auth/secrets.js";
import type { SignInLimiter } from "../auth/sign-in-limiter.js";
import { InvalidArgumentError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { requireUuid } from "../core/validate.js";
import { DEFAULT_ORG_QUOTAS, insertWithinQuota, type OrgQuotas } from "../quota/org-quotas.js";
import { requireText } from "./account-input.js";
import {
  apiTokenMessage,
  organizationMessage,
  TOKEN_SCOPES,
  userMessage,
} from "./account-messages.js";
import { createMemberRpcs } from "./members.js";
import { requireMember } from "./require-member.js";
import { createSignInRpcs } from "./sign-in-rpcs.js";
import { createSystemAdminCheck, type SystemAdminCheck } from "./system-admin.js";
import { revokeToken } from "./token-revocation.js";

/** AuthServiceDeps are what the account RPCs use. */
export interface AuthServiceDeps {
  pool: pg.Pool;
  limiter: SignInLimiter;
  /** PULSAR_SIGNUP: with "closed", only invitees (and the installation's first user) sign up. */
  signup: "open" | "closed";
  /** Tells every API process to close live streams of a revoked credential; none in tests
   *  that do not need it. Best effort: the credential itself is already invalid. */
  publishRevocation?: PublishRevocation;
  log?: Logger;
  /** scrypt cost of new password hashes; tests lower it. Ignored when `passwords` is given. */
  passwordParams?: ScryptParams;
  /** Every password hash SignUp and SignIn compute; scrypt at passwordParams behind a
   *  DEFAULT_HASH_GATE when absent. Tests count or slow it. */
  passwords?: PasswordHasher;
  now?: () => Date;
  /** Per-organization limits on tokens and members (PULSAR_ORG_MAX_*); the documented
   *  defaults when absent. */
  quotas?: OrgQuotas;
  /** Who may open the System page (Me's systemAdmin); the operator organization's admins
   *  (createSystemAdminCheck) when absent. */
  isSystemAdmin?: SystemAdminCheck;
}

const ALL_SCOPES = ["api", "worker", "agent"] as const;

/**
 * createAuthService implements pulsar.v1.AuthService: accounts (sign-in-rpcs.ts), sessions (an
 * HttpOnly cookie holding a random secret whose hash is stored server-side), API tokens, and
 * members and invitations (members.ts).
 */
export function createAuthService(deps: AuthServiceDeps): ServiceImpl<typeof AuthService> {
  const { pool } = deps;
  const now = deps.now ?? (() => new Date());
  const passwords = deps.passwords ?? createPasswordHasher({ params: deps.passwordParams });
  const quotas = deps.quotas ?? DEFAULT_ORG_QUOTAS;
  const isSystemAdmin = deps.isSystemAdmin ?? createSystemAdminCheck(pool);
  const announce = async (revocation: Revocation) => {
    await deps.publishRevocation?.(revocation).catch((error: unknown) => {
      deps.log?.warn("announcing a revocation failed; open streams stay until they reconnect", {
        error,
      });
    });
  };

  return {
    ...createSignInRpcs({ pool, limiter: deps.limiter, passwords, signup: deps.signup, now }),

    async signOut(req, ctx) {
      const caller = getCaller(ctx);
      if (req.everywhere && caller.user) {
        await accounts.deleteUserSessions(pool, caller.user.id);
        await announce({ case: "userId", value: caller.user.id });
      } else if (caller.sessionHash) {
        await accounts.deleteSession(pool, caller.sessionHash);
        await announce({ case: "sessionHash", value: caller.sessionHash });
      }
      const { secure } = ctx.values.get(clientInfoKey);
      ctx.responseHeader.append("set-cookie", sessionCookie("", { secure, maxAgeMs: 0 }));
      return {};
    },

    async me(_req, ctx) {
      const caller = getCaller(ctx);
      return {
        user: caller.user && userMessage({ ...caller.user, role: caller.role }),
        organization: organizationMessage(orgOf(caller)),
        apiTokenId: caller.tokenId ?? "",
        systemAdmin: await isSystemAdmin(caller),
      };
    },

    async createApiToken(req, ctx) {
      const caller = requireMember(getCaller(ctx), "create tokens");
      const name = requireText("name", req.name, 100);
      if (req.scope === TokenScope.PROBE) {
        // A probe token is the installation's and names its region: only ProbeService makes one.
        throw new InvalidArgumentError(
          "scope",
          "TOKEN_SCOPE_PROBE is not made here: a system admin creates probe tokens, with their region, through ProbeService.CreateProbeToken",
        );
      }
      const scope = TOKEN_SCOPES[req.scope];
      if (scope === undefined) throw new InvalidArgumentError("scope", "is not a known scope");
      const secret = newSecret(scope);
      const kind = scope === "agent" ? "agentTokens" : "apiTokens";
      const token = await insertWithinQuota(
        pool,
        { orgId: caller.orgId, kind, limit: quotas[kind] },
        (tx) =>
          accounts.insertApiToken(tx, {
            orgId: caller.orgId,
            createdBy: caller.user.id,
            name,
            scope,
            tokenHash: secret.hash,
            prefix: secret.prefix,
          }),
      );
      return { token: secret.secret, apiToken: apiTokenMessage(token) };
    },

    async listApiTokens(_req, ctx) {
      const tokens = await accounts.listApiTokens(pool, getCaller(ctx).orgId, ALL_SCOPES);
      return { apiTokens: tokens.map(apiTokenMessage) };
    },

    async revokeApiToken(req, ctx) {
      const id = requireUuid("id", req.id);
      await revokeToken(pool, getCaller(ctx), { id, scopes: ALL_SCOPES, noun: "api token" });
      await announce({ case: "apiTokenId", value: id });
      return {};
    },

    ...createMemberRpcs({ pool, quotas, announce, now }),
  };
}

const orgOf = (caller: Caller) => ({
  id: caller.orgId,
  name: caller.orgName,
  createdAt: caller.orgCreatedAt,
});
