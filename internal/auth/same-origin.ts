import type { HeaderReader } from "./authenticate.js";

/**
 * crossOriginReason explains why a cookie-authenticated request must be refused as a possible
 * cross-site request forgery, or returns undefined when it is fine. Browsers send Origin (and
 * Sec-Fetch-Site) with every POST and WebSocket handshake; a request from another site shows
 * an Origin whose host is not ours. Clients that send no Origin are not browsers.
 */
export function crossOriginReason(header: HeaderReader): string | undefined {
  if (header("sec-fetch-site") === "cross-site") return "cross-site request refused";
  const origin = header("origin");
  if (!origin) return undefined;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `malformed Origin ${JSON.stringify(origin)}`;
  }
  // Reverse proxies such as Caddy pass Host through unchanged.
  const host = header("host");
  if (!host || originHost.toLowerCase() !== host.trim().toLowerCase()) {
    return `cross-origin request from ${origin} refused`;
  }
  return undefined;
}
