// Pure code the server and the dashboard both import: an alert, a status page and the overview
// say what a monitor checks in the same words. Nothing here may import anything but shared/.
import { formatDuration } from "./duration.js";

/**
 * MonitorTarget is what a monitor checks, as monitors stores it: kind ('http', 'tcp', 'dns',
 * 'heartbeat'), url (HTTP only; '' for the others) and kind_spec, the protobuf JSON of the
 * kind's TcpSpec, DnsSpec or HeartbeatSpec (camelCase fields; null for HTTP). The dashboard
 * passes the same fields of a Monitor message.
 */
export interface MonitorTarget {
  kind: string;
  url: string;
  kindSpec: unknown;
}

// A target is a line of an alert; the specs bound their fields already, this bounds the line.
const MAX_WORDS = 300;

const cut = (text: string): string =>
  text.length <= MAX_WORDS ? text : `${text.slice(0, MAX_WORDS - 1)}…`;

type Fields = Record<string, unknown>;
const fieldsOf = (value: unknown): Fields | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Fields)
    : undefined;
const text = (spec: Fields, name: string): string =>
  typeof spec[name] === "string" ? (spec[name] as string) : "";
const count = (spec: Fields, name: string): number =>
  typeof spec[name] === "number" ? (spec[name] as number) : 0;

/** hostPort joins a host and port, bracketing an IPv6 address ("[2001:db8::1]:5432"). */
const hostPort = (host: string, port: number): string =>
  `${host.includes(":") ? `[${host}]` : host}:${port}`;

/**
 * targetDetail says what a monitor checks without naming its kind, for where a badge names it
 * (the dashboard): the URL of an HTTP monitor, "db.example.com:5432" (" with TLS" when it wraps
 * TLS), "MX example.com @1.1.1.1", "a ping every 1 h" or "cron 0 3 * * * Europe/Paris". A spec
 * that does not read says nothing (''). Never the ping URL: it is a secret.
 */
export function targetDetail(target: MonitorTarget): string {
  const spec = fieldsOf(target.kindSpec);
  switch (target.kind) {
    case "tcp":
      if (!spec || typeof spec.host !== "string" || typeof spec.port !== "number") return "";
      return cut(
        `${hostPort(text(spec, "host"), count(spec, "port"))}${spec.tls === true ? " with TLS" : ""}`,
      );
    case "dns": {
      if (!spec) return "";
      const server = text(spec, "server");
      const type = text(spec, "recordType") || "A";
      return cut(`${type} ${text(spec, "name")}${server ? ` @${server}` : ""}`);
    }
    case "heartbeat": {
      if (!spec) return "";
      const cron = text(spec, "cron");
      const timezone = text(spec, "timezone");
      return cron
        ? cut(`cron ${cron}${timezone && timezone !== "UTC" ? ` ${timezone}` : ""}`)
        : `a ping every ${formatDuration(count(spec, "periodSeconds") || 3600)}`;
    }
    default:
      return cut(target.url);
  }
}

/**
 * targetWords says what a monitor checks, in its kind's words: the URL of an HTTP monitor,
 * "tcp db.example.com:5432" (" with TLS" when it wraps TLS), "DNS MX example.com @1.1.1.1",
 * "heartbeat (a ping every 1 h, 5 min grace)" or "heartbeat (cron 0 3 * * * Europe/Paris, 5 min
 * grace)". A spec that does not read (a bug) is named by its kind alone, never by an empty URL.
 */
export function targetWords(target: MonitorTarget): string {
  const detail = targetDetail(target);
  switch (target.kind) {
    case "tcp":
      return detail ? cut(`tcp ${detail}`) : "tcp";
    case "dns":
      return detail ? cut(`DNS ${detail}`) : "DNS";
    case "heartbeat": {
      if (!detail) return "heartbeat";
      const graceSeconds = count(fieldsOf(target.kindSpec) ?? {}, "graceSeconds");
      const grace = graceSeconds ? `, ${formatDuration(graceSeconds)} grace` : "";
      return cut(`heartbeat (${detail}${grace})`);
    }
    default:
      return detail || "(no URL)";
  }
}
