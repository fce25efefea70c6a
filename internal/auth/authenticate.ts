import * as accounts from "../accounts/accounts.js";
import { PermissionDeniedError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { Queryable } from "../db/pool.js";
import type { Caller } from "./caller.js";
import { readCookie, SESSION_COOKIE } from "./cookies.js";
import { hashSecret, secretKind } from "./secrets.js";

/** HeaderReader reads one request header (Fetch Headers.get, or a Node request's headers). */
export type HeaderReader = (name: string) => string | null | undefined;

/** Credentials are what a request presents: a bearer token wins over a session cookie. */
export type Credentials =
  | { kind: "bearer"; secret: string }
  | { kind: "session"; secret: string }
  | { kind: "none" };

/** readCredentials finds the credentials of a request. */
export function readCredentials(header: HeaderReader): Credentials {
  const authorization = header("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    // A malformed Authorization header is a forged credential, not an absent one.
    return { kind: "bearer", secret: match?.[1] ?? "" };
  }
  const session = readCookie(header("cookie"), SESSION_COOKIE);
  return session ? { kind: "session", secret: session } : { kind: "none" };
}

/** AuthenticateDeps are what resolving credentials reads. */
export interface AuthenticateDeps {
  pool: Queryable;
  log: Logger;
}

/**
 * authenticate resolves credentials to a Caller: undefined when they are absent, unknown,
 * expired or revoked (the request is then `unauthenticated`). A valid token of another scope
 * (a worker or agent token used on the API) is refused with PermissionDeniedError. Nothing is
 * cached, so a revoked session or token stops working at once in every API process.
 */
export async function authenticate(
  deps: AuthenticateDeps,
  credentials: Credentials,
  scope: accounts.TokenScopeName = "api",
): Promise<Caller | undefined> {
  if (credentials.kind === "none") return undefined;
  if (credentials.kind === "session") {
    const kind = secretKind(credentials.secret);
    if (kind !== "session") return undefined;
    const tokenHash = hashSecret(credentials.secret);
    const user = await accounts.findSession(deps.pool, tokenHash);
    if (!user) return undefined;
    return {
      orgId: user.org.id,
      orgName: user.org.name,
      orgCreatedAt: user.org.createdAt,
      role: user.role,
      user: { id: user.id, email: user.email, name: user.name, createdAt: user.createdAt },
      sessionHash: tokenHash,
    };
  }
  return (await authenticateToken(deps, credentials.secret, scope))?.caller;
}

/** TokenCaller is a bearer token's Caller and the token row behind it. */
export interface TokenCaller {
  caller: Caller;
  token: accounts.TokenOwner;
}

/**
 * authenticateToken resolves a bearer secret of `scope` to its Caller and token row (a probe
 * gate needs the token's name and region): undefined when it is unknown or revoked (read from
 * Postgres on every call, so a revocation takes effect at once); a valid token of another scope
 * throws PermissionDeniedError.
 */
export async function authenticateToken(
  deps: AuthenticateDeps,
  secret: string,
  scope: accounts.TokenScopeName,
): Promise<TokenCaller | undefined> {
  const kind = secretKind(secret);
  if (kind === undefined || kind === "session" || kind === "invite") return undefined;
  const token = await accounts.findApiToken(deps.pool, hashSecret(secret));
  if (!token) return undefined;
  if (token.scope !== scope) {
    throw new PermissionDeniedError(
      `this is a ${token.scope} token; it may not be used here (a ${scope} token is needed)`,
    );
  }
  if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > 60_000) {
    // Bookkeeping only: a failed write must not fail the request.
    accounts.touchApiToken(deps.pool, token.id).catch((error: unknown) => {
      deps.log.debug("recording token use failed", { error });
    });
  }
  return {
    caller: {
      orgId: token.org.id,
      orgName: token.org.name,
      orgCreatedAt: token.org.createdAt,
      role: "member",
      tokenId: token.id,
    },
    token,
  };
}
