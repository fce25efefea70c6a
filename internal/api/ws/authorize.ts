import type { IncomingMessage } from "node:http";
import {
  type AuthenticateDeps,
  authenticate,
  type HeaderReader,
  readCredentials,
} from "../../auth/authenticate.js";
import type { Caller } from "../../auth/caller.js";

/** headerReader reads one header of a Node request (a repeated one joined with ", "). */
export function headerReader(req: IncomingMessage): HeaderReader {
  return (name) => {
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
  };
}

/**
 * authorizeUpgrade is the gateway's authorize for the API: the same credentials as an RPC (a
 * bearer API token or the session cookie), resolved the same way. A worker or agent token
 * throws PermissionDeniedError, which the gateway answers with 403.
 */
export function authorizeUpgrade(
  deps: AuthenticateDeps,
): (req: IncomingMessage) => Promise<Caller | undefined> {
  return (req) => authenticate(deps, readCredentials(headerReader(req)), "api");
}
