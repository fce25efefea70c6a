import type { AlertKind } from "../../gen/pulsar/v1/alert_pb.js";
import type { CheckTiming } from "../../gen/pulsar/v1/check_pb.js";
import { ALERT_KINDS, type AlertKindName, nameOf } from "./alert-rows.js";

export type { AlertKindName };

/** alertKindName maps the enum to its stored name, also sent as X-Pulsar-Event ("unspecified"
 *  for none). */
export function alertKindName(kind: AlertKind): AlertKindName | "unspecified" {
  return nameOf(ALERT_KINDS, kind) ?? "unspecified";
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

/**
 * formatDuration renders a duration for people: "45 s", "4 min 12 s", "2 h 5 min",
 * "3 d 4 h"; two units at most, rounded down to the second.
 */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const units: [string, number][] = [
    ["d", 86_400],
    ["h", 3600],
    ["min", 60],
    ["s", 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [label, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || (parts.length > 0 && parts.length < 2)) parts.push(`${n} ${label}`);
    if (parts.length === 2) break;
  }
  // "2 h 0 min" reads worse than "2 h".
  const shown = parts.filter((part, i) => i === 0 || !part.startsWith("0 "));
  return shown.length > 0 ? shown.join(" ") : "0 s";
}
