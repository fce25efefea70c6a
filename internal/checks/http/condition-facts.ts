import type { ConditionFacts } from "../conditions/index.js";
import type { Hop } from "./hop.js";
import { certExpiresAtMs } from "./tls-info.js";

const DAY_MS = 86_400_000;

/**
 * conditionFacts gathers what conditions read from the final hop of a check that took
 * `responseTimeMs` in all. `nowMs` is the wall clock, for the days the certificate has left:
 * whole days, rounded down, negative once it has expired.
 */
export function conditionFacts(hop: Hop, responseTimeMs: number, nowMs: number): ConditionFacts {
  const expiresAtMs = hop.cert === undefined ? undefined : certExpiresAtMs(hop.cert);
  return {
    status: hop.statusCode,
    responseTimeMs,
    bodySize: hop.bytes,
    certDays: expiresAtMs === undefined ? null : Math.floor((expiresAtMs - nowMs) / DAY_MS),
    headers: hop.headers,
    body: hop.body?.bytes(),
    bodyTruncated: hop.body?.truncated ?? false,
  };
}
