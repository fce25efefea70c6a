import type { HandlerContext } from "@connectrpc/connect";
import { type AuthenticateDeps, authenticate, readCredentials } from "../auth/authenticate.js";
import { callerKey } from "../auth/caller.js";
import { crossOriginReason } from "../auth/same-origin.js";
import { PermissionDeniedError, UnauthenticatedError } from "../core/errors.js";
import type { GateStep } from "./request-gate.js";

/** PUBLIC_METHODS are the RPCs that need no credentials (service type name / method name). */
export const PUBLIC_METHODS: ReadonlySet<string> = new Set([
  "pulsar.v1.AuthService/SignUp",
  "pulsar.v1.AuthService/SignIn",
]);

// Connect, gRPC and gRPC-Web content types: none can be sent by an HTML form or a "simple"
// cross-origin fetch, so a browser never sends them cross-site without a CORS preflight, which
// this API does not answer.
const RPC_CONTENT_TYPE =
  /^application\/(json|proto|connect\+(json|proto)|grpc(-web)?(\+(json|proto))?)\b/i;

/**
 * authenticateCaller is the request-gate step that authenticates every RPC except
 * PUBLIC_METHODS and puts the Caller into the request's context values (getCaller), before
 * the body is read. Cookie-authenticated requests are also checked against cross-site request
 * forgery: a POST with an RPC content type, and an Origin that is ours.
 */
export function authenticateCaller(deps: AuthenticateDeps): GateStep {
  return async (ctx: HandlerContext) => {
    if (PUBLIC_METHODS.has(`${ctx.service.typeName}/${ctx.method.name}`)) return;
    const header = (name: string) => ctx.requestHeader.get(name);
    const credentials = readCredentials(header);
    if (credentials.kind === "session") {
      const contentType = ctx.requestHeader.get("content-type") ?? "";
      if (ctx.requestMethod !== "POST" || !RPC_CONTENT_TYPE.test(contentType)) {
        throw new PermissionDeniedError(
          "cookie-authenticated calls must be POSTs with a Connect content type",
        );
      }
      const crossOrigin = crossOriginReason(header);
      if (crossOrigin) throw new PermissionDeniedError(crossOrigin);
    }
    const caller = await authenticate(deps, credentials, "api");
    if (!caller) throw new UnauthenticatedError(unauthenticatedMessage(credentials.kind));
    ctx.values.set(callerKey, caller);
  };
}

function unauthenticatedMessage(kind: "bearer" | "session" | "none"): string {
  switch (kind) {
    case "bearer":
      return "the bearer token is invalid or revoked";
    case "session":
      return "the session has expired or was signed out; sign in again";
    case "none":
      return "sign in, or send Authorization: Bearer <api token>";
  }
}
