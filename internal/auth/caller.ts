import { type ContextValues, createContextKey } from "@connectrpc/connect";

/** Role is what a member may do in their organization. */
export type Role = "admin" | "member";

/**
 * Caller is who an authenticated request comes from: a member signed in with a session cookie,
 * or an API token. Every query a request runs is scoped to `orgId`.
 */
export interface Caller {
  orgId: string;
  orgName: string;
  orgCreatedAt: Date;
  role: Role;
  /** The signed-in member; undefined for an API token. */
  user?: { id: string; email: string; name: string; createdAt: Date };
  /** The API token; undefined for a session. */
  tokenId?: string;
  /** The session cookie's secret hash, to sign this very session out. */
  sessionHash?: Buffer;
}

/** callerKey holds the Caller of a request in its Connect context values. */
export const callerKey = createContextKey<Caller | undefined>(undefined, {
  description: "the authenticated caller",
});

/**
 * getCaller returns the request's Caller. It throws when there is none: a handler that needs a
 * caller but was reached without authentication is a wiring bug, never an anonymous request.
 */
export function getCaller(ctx: { values: ContextValues }): Caller {
  const caller = ctx.values.get(callerKey);
  if (!caller) throw new Error("no authenticated caller in this request's context");
  return caller;
}
