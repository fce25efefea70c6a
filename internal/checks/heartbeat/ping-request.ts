import type { PingKind } from "./ping-effects.js";

/** PING_PATH_PREFIX is where pings are served: /ping/<token>[/start|/fail]. */
export const PING_PATH_PREFIX = "/ping/";

/** PingRequest is a well-formed ping path: its token and which ping it is. */
export interface PingRequest {
  token: string;
  kind: PingKind;
}

// Monitors.ping_token is ~24 URL-safe characters (base64url of random bytes); anything else
// names no monitor and is refused without a query. The bounds leave room for longer tokens.
const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * parsePingPath reads /ping/<token>, /ping/<token>/start or /ping/<token>/fail (a trailing
 * slash and a query string are ignored) from a request URL known to start with
 * PING_PATH_PREFIX; null when it is none of them (answered 404, like an unknown token).
 */
export function parsePingPath(url: string): PingRequest | null {
  const queryAt = url.indexOf("?");
  const path = (queryAt === -1 ? url : url.slice(0, queryAt)).slice(PING_PATH_PREFIX.length);
  const parts = path.endsWith("/") ? path.slice(0, -1).split("/") : path.split("/");
  const [token, action] = parts;
  if (token === undefined || parts.length > 2 || !TOKEN.test(token)) return null;
  if (action === undefined) return { token, kind: "success" };
  if (action === "start" || action === "fail") return { token, kind: action };
  return null;
}
