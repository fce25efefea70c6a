import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type pg from "pg";
import type { AuthService } from "../../gen/pulsar/v1/auth_pb.js";
import * as accounts from "../accounts/accounts.js";
import { clientInfoKey } from "../auth/client-info.js";
import { SESSION_TTL_MS, sessionCookie } from "../auth/cookies.js";
import { HashingBusyError } from "../auth/hash-gate.js";
import { MAX_PASSWORD_LENGTH } from "../auth/password.js";
import type { PasswordHasher } from "../auth/password-hasher.js";
import { hashSecret } from "../auth/secrets.js";
import { startSession } from "../auth/sessions.js";
import type { SignInLimiter } from "../auth/sign-in-limiter.js";
import {
  InvalidArgumentError,
  PermissionDeniedError,
  UnauthenticatedError,
} from "../core/errors.js";
import { withTransaction } from "../db/transaction.js";
import { requireEmail, requireNewPassword, requireText } from "./account-input.js";
import { organizationMessage, userMessage } from "./account-messages.js";

/** SignInRpcs are the AuthService methods that need no credentials. */
export type SignInRpcs = Pick<ServiceImpl<typeof AuthService>, "signUp" | "signIn">;

/** SignInRpcDeps are what SignUp and SignIn use. */
export interface SignInRpcDeps {
  pool: pg.Pool;
  limiter: SignInLimiter;
  passwords: PasswordHasher;
  signup: "open" | "closed";
  now: () => Date;
}

const WRONG_CREDENTIALS = "email or password is wrong";
const SIGN_UP_CLOSED = "sign-up is closed on this installation; ask an admin for an invitation";
const BAD_INVITATION = "is unknown, used or expired";
const NOT_INVITED_ADDRESS = "must be the address the invitation was sent to";

/**
 * createSignInRpcs implements SignUp and SignIn, the two RPCs a stranger may call. Neither
 * spends a password hash on a request it is about to refuse anyway (over a limit, sign-up
 * closed, an invitation that is no good), and neither tells whether an email has an account,
 * except to the holder of an invitation for it, or where anyone may sign up.
 */
export function createSignInRpcs(deps: SignInRpcDeps): SignInRpcs {
  const { pool, limiter, passwords } = deps;

  const setSessionCookie = async (ctx: HandlerContext, userId: string) => {
    const session = await startSession(pool, userId, deps.now());
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
      // Refusals that need no hash come first. A closed installation answers a stranger from
      // whether anyone has signed up yet, never from the email: the same answer, in the same
      // time, for a registered address and an unknown one.
      if (invitation) {
        const invited = await accounts.findPendingInvitation(pool, hashSecret(invitation));
        if (!invited) throw new InvalidArgumentError("invitationToken", BAD_INVITATION);
        if (!sameAddress(invited.email, email)) {
          throw new InvalidArgumentError("email", NOT_INVITED_ADDRESS);
        }
      } else if (deps.signup === "closed" && (await accounts.hasUsers(pool))) {
        throw new PermissionDeniedError(SIGN_UP_CLOSED);
      }
      const passwordHash = await passwords.hash(password);
      const user = await withTransaction(pool, async (tx) => {
        await accounts.lockSignUps(tx);
        // Decided again under the lock: the checks above raced with other sign-ups.
        if (invitation) {
          const invited = await accounts.acceptInvitation(tx, hashSecret(invitation));
          if (!invited) throw new InvalidArgumentError("invitationToken", BAD_INVITATION);
          if (!sameAddress(invited.email, email)) {
            throw new InvalidArgumentError("email", NOT_INVITED_ADDRESS);
          }
          await refuseRegistered(tx, email);
          return accounts.insertUser(tx, {
            org: invited.org,
            email,
            name,
            role: invited.role,
            passwordHash,
          });
        }
        if (deps.signup === "closed" && (await accounts.hasUsers(tx))) {
          throw new PermissionDeniedError(SIGN_UP_CLOSED);
        }
        await refuseRegistered(tx, email);
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
      // No account has a longer one (SignUp refuses it), and scrypt's work grows with it.
      if (req.password.length > MAX_PASSWORD_LENGTH) {
        throw new InvalidArgumentError(
          "password",
          `must be at most ${MAX_PASSWORD_LENGTH} characters`,
        );
      }
      const { ip } = ctx.values.get(clientInfoKey);
      // Counted before the password is checked: parallel guesses cannot all pass the limit.
      await limiter.reserve(ip, email);
      const user = await accounts.findUserByEmail(pool, email);
      let ok: boolean;
      try {
        // An unknown email costs as much time as a wrong password: timing tells nothing.
        ok = user
          ? await passwords.verify(req.password, user.passwordHash)
          : await passwords.burn(req.password).then(() => false);
      } catch (error) {
        if (error instanceof HashingBusyError) await limiter.release(ip, email);
        throw error;
      }
      if (!user || !ok) throw new UnauthenticatedError(WRONG_CREDENTIALS);
      await limiter.succeeded(ip, email);
      await setSessionCookie(ctx, user.id);
      return { user: userMessage(user), organization: organizationMessage(user.org) };
    },
  };
}

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

async function refuseRegistered(tx: pg.PoolClient, email: string): Promise<void> {
  if (await accounts.findUserByEmail(tx, email)) {
    throw new InvalidArgumentError("email", "is already registered; sign in instead");
  }
}
