import type { AlertKind } from "../../gen/pulsar/v1/alert_pb.js";
import type { CheckTiming } from "../../gen/pulsar/v1/check_pb.js";
import { ALERT_KINDS, type AlertKindName, nameOf } from "./alert-rows.js";

// The one wording of a duration, shared with the dashboard (shared/ holds what both import).
export { formatDuration } from "../../shared/duration.js";
export type { AlertKindName };

/** alertKindName maps the enum to its stored name, also sent as X-Pulsar-Event ("unspecified"
 *  for none). */
export function alertKindName(kind: AlertKind): AlertKindName | "unspecified" {
  return nameOf(ALERT_KINDS, kind) ?? "unspecified";
}

/** utc says a time in epoch microseconds as "2026-11-24 12:00:00 UTC". */
export function utc(us: bigint): string {
  return `${new Date(Number(us / 1000n)).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

const ms = (value: number): string => (value < 1 ? "<1 ms" : `${Math.round(value)} ms`);

/**
 * waterfallShort renders a check's phases on one line, "DNS 3 ms · TCP 12 ms · TLS 40 ms ·
 * TTFB 210 ms · Download 5 ms", leaving out phases that did not happen (no DNS for an IP, no
 * TLS over http, nothing past a refused connection). Empty when no phase was timed.
 */
export function waterfallShort(timing: CheckTiming | undefined): string {
  if (!timing) return "";
  const phases: [string, number][] = [
    ["Redirects", timing.redirectMs],
    ["DNS", timing.dnsMs],
    ["TCP", timing.connectMs],
    ["TLS", timing.tlsMs],
    ["TTFB", timing.ttfbMs],
    ["Download", timing.downloadMs],
  ];
  return phases
    .filter(([, value]) => value > 0)
    .map(([label, value]) => `${label} ${ms(value)}`)
    .join(" · ");
}
