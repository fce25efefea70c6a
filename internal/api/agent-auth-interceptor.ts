import type { Interceptor } from "@connectrpc/connect";
import { type AuthenticateDeps, authenticate, readCredentials } from "../auth/authenticate.js";
import { callerKey } from "../auth/caller.js";
import { UnauthenticatedError } from "../service/errors.js";

/**
 * agentAuthInterceptor authenticates IngestService, which authInterceptor does not guard: only
 * `Authorization: Bearer <agent token>` opens it. No credentials, a session cookie (a browser
 * has no business pushing samples, and a cross-site form could otherwise ride on its cookie)
 * or an unknown or revoked token answer unauthenticated (HTTP 401); a valid token of another
 * scope (API, worker) answers permission_denied.
 */
export function agentAuthInterceptor(deps: AuthenticateDeps): Interceptor {
  return (next) => async (req) => {
    const credentials = readCredentials((name) => req.header.get(name));
    if (credentials.kind !== "bearer") {
      throw new UnauthenticatedError("send Authorization: Bearer <agent token>");
    }
    const caller = await authenticate(deps, credentials, "agent");
    if (!caller) {
      throw new UnauthenticatedError(
        "the agent token is unknown or revoked; create one with HostService.CreateAgentToken",
      );
    }
    req.contextValues.set(callerKey, caller);
    return next(req);
  };
}
