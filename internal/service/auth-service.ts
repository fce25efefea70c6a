import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type pg from "pg";
import { type AuthService, InvitationSchema, Role } from "../../gen/pulsar/v1/auth_pb.js";
import { type Caller, getCaller } from "../auth/caller.js";
import { clientInfoKey } from "../auth/client-info.js";
import { SESSION_TTL_MS, sessionCookie } from "../auth/cookies.js";
import {
  burnPasswordCheck,
  DEFAULT_SCRYPT,
  hashPassword,
  type ScryptParams,
  verifyPassword,
} from "../auth/password.js";
import type { PublishRevocation, Revocation } from "../auth/revocations.js";
import { hashSecret, newSecret } from "../auth/secrets.js";
import { startSession } from "../auth/sessions.js";
import type { SignInLimiter } from "../auth/sign-in-limiter.js";
import * as accounts from "../db/accounts.js";
import { withTransaction } from "../db/transaction.js";
import type { Logger } from "../log/logger.js";
import { requireEmail, requireNewPassword, requireText } from "./account-input.js";
import {
  apiTokenMessage,
  organizationMessage,
  roleMessage,
  TOKEN_SCOPES,
  userMessage,
} from "./account-messages.js";
import {
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  UnauthenticatedError,
} from "./errors.js";
import { requireMember } from "./require-member.js";
import { requireUuid } from "./validate.js";

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
  /** scrypt cost of new password hashes; tests lower it. */
  passwordParams?: ScryptParams;
  now?: () => Date;
}

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
const ALL_SCOPES = ["api", "worker", "agent"] as const;
const WRONG_CREDENTIALS = "email or password is wrong";

/**
 * createAuthService implements pulsar.v1.AuthService: accounts, sessions (an HttpOnly cookie
 * holding a random secret whose hash is stored server-side) and API tokens.
 */
export function createAuthService(deps: AuthServiceDeps): ServiceImpl<typeof AuthService> {
  const { pool, limiter } = deps;
  const now = deps.now ?? (() => new Date());
  const passwordParams = deps.passwordParams ?? DEFAULT_SCRYPT;
  const announce = async (revocation: Revocation) => {
    await deps.publishRevocation?.(revocation).catch((error: unknown) => {
      deps.log?.warn("announcing a revocation failed; open streams stay until they reconnect", {
        error,
      });
    });
  };

  const setSessionCookie = async (ctx: HandlerContext, userId: string) => {
    const session = await startSession(pool, userId, now());
    const { secure } = ctx.values.get(clientInfoKey);
    ctx.responseHeader.append(
      "set-cookie",
      sessionCookie(session.secret, { secure, maxAgeMs: SESSION_TTL_MS }),
    );
  };

  return {
    async signUp(req, ctx) {
      const email = requireEmail("email", req.email);
      const password = requireNewPassword("password", req.password);
      const name = requireText("name", req.name, 100);
      const invitation = req.invitationToken.trim();
      const orgName = invitation ? "" : requireText("orgName", req.orgName, 200);
      await limiter.signUp(ctx.values.get(clientInfoKey).ip);
      const passwordHash = await hashPassword(password, passwordParams);
      const user = await withTransaction(pool, async (tx) => {
        await accounts.lockSignUps(tx);
        if (await accounts.findUserByEmail(tx, email)) {
          throw new InvalidArgumentError("email", "is already registered; sign in instead");
        }
        if (invitation) {
          const invited = await accounts.acceptInvitation(tx, hashSecret(invitation));
          if (!invited) {
            throw new InvalidArgumentError("invitationToken", "is unknown, used or expired");
          }
          if (invited.email.toLowerCase() !== email.toLowerCase()) {
            throw new InvalidArgumentError(
              "email",
              "must be the address the invitation was sent to",
            );
          }
          return accounts.insertUser(tx, {
            org: invited.org,
            email,
            name,
            role: invited.role,
            passwordHash,
          });
        }
        if (deps.signup === "closed" && (await accounts.countUsers(tx)) > 0) {
          throw new PermissionDeniedError(
            "sign-up is closed on this installation; ask an admin for an invitation",
          );
        }
        const org = await accounts.insertOrganization(tx, orgName);
        await accounts.adoptOrphanMonitors(tx, org.id);
        return accounts.insertUser(tx, { org, email, name, role: "admin", passwordHash });
      });
      await setSessionCookie(ctx, user.id);
      return { user: userMessage(user), organization: organizationMessage(user.org) };
    },

    async signIn(req, ctx) {
      const email = requireText("email", req.email, 254);
      if (req.password === "") throw new InvalidArgumentError("password", "is required");
      const { ip } = ctx.values.get(clientInfoKey);
      await limiter.check(ip, email);
      const user = await accounts.findUserByEmail(pool, email);
      // An unknown email costs as much time as a wrong password: timing tells nothing.
      const ok = user
        ? await verifyPassword(req.password, user.passwordHash)
        : await burnPasswordCheck(req.password, passwordParams).then(() => false);
      if (!user || !ok) {
        await limiter.failed(ip, email);
        throw new UnauthenticatedError(WRONG_CREDENTIALS);
      }
      await limiter.succeeded(email);
      await setSessionCookie(ctx, user.id);
      return { user: userMessage(user), organization: organizationMessage(user.org) };
    },

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
      };
    },

    async createApiToken(req, ctx) {
      const caller = requireMember(getCaller(ctx), "create tokens");
      const name = requireText("name", req.name, 100);
      const scope = TOKEN_SCOPES[req.scope];
      if (scope === undefined) throw new InvalidArgumentError("scope", "is not a known scope");
      const secret = newSecret(scope);
      const token = await accounts.insertApiToken(pool, {
        orgId: caller.orgId,
        createdBy: caller.user.id,
        name,
        scope,
        tokenHash: secret.hash,
        prefix: secret.prefix,
      });
      return { token: secret.secret, apiToken: apiTokenMessage(token) };
    },

    async listApiTokens(_req, ctx) {
      const tokens = await accounts.listApiTokens(pool, getCaller(ctx).orgId, ALL_SCOPES);
      return { apiTokens: tokens.map(apiTokenMessage) };
    },

    async revokeApiToken(req, ctx) {
      const id = requireUuid("id", req.id);
      if (!(await accounts.revokeApiToken(pool, getCaller(ctx).orgId, id, ALL_SCOPES))) {
        throw new NotFoundError(`api token ${id} not found`);
      }
      await announce({ case: "apiTokenId", value: id });
      return {};
    },

    async createInvitation(req, ctx) {
      const caller = requireMember(getCaller(ctx), "invite people");
      if (caller.role !== "admin") throw new PermissionDeniedError("only admins may invite people");
      const email = requireEmail("email", req.email);
      const role = req.role === Role.ADMIN ? "admin" : "member";
      const secret = newSecret("invite");
      const invitation = await accounts.insertInvitation(pool, {
        orgId: caller.orgId,
        email,
        role,
        tokenHash: secret.hash,
        createdBy: caller.user.id,
        expiresAt: new Date(now().getTime() + INVITATION_TTL_MS),
      });
      return {
        invitationToken: secret.secret,
        invitation: create(InvitationSchema, {
          id: invitation.id,
          email: invitation.email,
          role: roleMessage(invitation.role),
          expiresAt: timestampFromDate(invitation.expiresAt),
        }),
      };
    },
  };
}

const orgOf = (caller: Caller) => ({
  id: caller.orgId,
  name: caller.orgName,
  createdAt: caller.orgCreatedAt,
});
