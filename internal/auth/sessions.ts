import * as accounts from "../accounts/accounts.js";
import type { Queryable } from "../db/pool.js";
import { SESSION_TTL_MS } from "./cookies.js";
import { newSecret } from "./secrets.js";

/** NewSession is a session just stored: the secret for the cookie, and its expiry. */
export interface NewSession {
  secret: string;
  expiresAt: Date;
}

/** startSession stores a session for a member; only the hash of its secret is kept. */
export async function startSession(db: Queryable, userId: string, now: Date): Promise<NewSession> {
  const { secret, hash } = newSecret("session");
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await accounts.insertSession(db, { tokenHash: hash, userId, expiresAt });
  return { secret, expiresAt };
}
