import type { HandlerContext } from "@connectrpc/connect";
import { type AuthenticateDeps, authenticateToken, readCredentials } from "../auth/authenticate.js";
import { callerKey } from "../auth/caller.js";
import { UnauthenticatedError } from "../core/errors.js";
import { probeKey } from "../regions/probe-identity.js";
import type { GateStep } from "./request-gate.js";

/**
 * authenticateProbe is the request-gate step of ProbeCheckService, which authenticateCaller does
 * not guard: only `Authorization: Bearer <probe token>` opens it, checked before a byte of the
 * body is read. No credentials, a session cookie (a browser has no business taking checks) or an
 * unknown or revoked token answer unauthenticated (HTTP 401); a valid token of another scope
 * (API, worker, agent) answers permission_denied. The token is read from Postgres on every call,
 * so a revoked one stops its probe at once. It sets the Caller and the probe (getProbe in
 * internal/regions/probe-identity.ts).
 */
export function authenticateProbe(deps: AuthenticateDeps): GateStep {
  return async (ctx: HandlerContext) => {
    const credentials = readCredentials((name) => ctx.requestHeader.get(name));
    if (credentials.kind !== "bearer") {
      throw new UnauthenticatedError("send Authorization: Bearer <probe token>");
    }
    const found = await authenticateToken(deps, credentials.secret, "probe");
    if (!found?.token.region) {
      throw new UnauthenticatedError(
        "the probe token is unknown or revoked; create one with ProbeService.CreateProbeToken",
      );
    }
    ctx.values.set(callerKey, found.caller);
    ctx.values.set(probeKey, {
      tokenId: found.token.id,
      name: found.token.name,
      region: found.token.region,
    });
  };
}
