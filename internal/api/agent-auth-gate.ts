import type { HandlerContext } from "@connectrpc/connect";
import { type AuthenticateDeps, authenticate, readCredentials } from "../auth/authenticate.js";
import { callerKey } from "../auth/caller.js";
import { UnauthenticatedError } from "../core/errors.js";
import type { GateStep } from "./request-gate.js";

/**
 * authenticateAgent is the request-gate step of IngestService, which authenticateCaller does
 * not guard: only `Authorization: Bearer <agent token>` opens it, checked before a byte of the
 * (up to 8 MiB) body is read. No credentials, a session cookie (a browser has no business
 * pushing samples, and a cross-site form could otherwise ride on its cookie) or an unknown or
 * revoked token answer unauthenticated (HTTP 401); a valid token of another scope (API,
 * worker) answers permission_denied.
 */
export function authenticateAgent(deps: AuthenticateDeps): GateStep {
  return async (ctx: HandlerContext) => {
    const credentials = readCredentials((name) => ctx.requestHeader.get(name));
    if (credentials.kind !== "bearer") {
      throw new UnauthenticatedError("send Authorization: Bearer <agent token>");
    }
    const caller = await authenticate(deps, credentials, "agent");
    if (!caller) {
      throw new UnauthenticatedError(
        "the agent token is unknown or revoked; create one with HostService.CreateAgentToken",
      );
    }
    ctx.values.set(callerKey, caller);
  };
}
