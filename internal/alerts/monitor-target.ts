import { type DescMessage, fromJson, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { DnsSpecSchema, HeartbeatSpecSchema, TcpSpecSchema } from "../../gen/pulsar/v1/check_pb.js";
import { formatDuration } from "../../shared/duration.js";

/**
 * MonitorTarget is what a monitor checks, as monitors stores it: kind ('http', 'tcp', 'dns',
 * 'heartbeat'), url (HTTP only; '' for the others) and kind_spec (the protobuf JSON of the
 * kind's TcpSpec, DnsSpec or HeartbeatSpec; null for HTTP).
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

/** specOf reads kind_spec as the kind's message; undefined when it does not read as one. */
function specOf<Desc extends DescMessage>(
  schema: Desc,
  value: unknown,
): MessageShape<Desc> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  try {
    return fromJson(schema, value as JsonValue, { ignoreUnknownFields: true });
  } catch {
    return undefined;
  }
}

/** hostPort joins a host and port, bracketing an IPv6 address ("[2001:db8::1]:5432"). */
const hostPort = (host: string, port: number): string =>
  `${host.includes(":") ? `[${host}]` : host}:${port}`;

/**
 * targetWords says what a monitor checks, in its kind's words: the URL of an HTTP monitor,
 * "tcp db.example.com:5432" (" with TLS" when it wraps TLS), "DNS MX example.com @1.1.1.1",
 * "heartbeat (a ping every 1 h, 5 min grace)" or "heartbeat (cron 0 3 * * * Europe/Paris, 5 min
 * grace)". A spec that does not read (a bug) is named by its kind alone, never by an empty URL.
 */
export function targetWords(target: MonitorTarget): string {
  switch (target.kind) {
    case "tcp": {
      const spec = specOf(TcpSpecSchema, target.kindSpec);
      if (!spec) return "tcp";
      return cut(`tcp ${hostPort(spec.host, spec.port)}${spec.tls ? " with TLS" : ""}`);
    }
    case "dns": {
      const spec = specOf(DnsSpecSchema, target.kindSpec);
      if (!spec) return "DNS";
      const server = spec.server ? ` @${spec.server}` : "";
      return cut(`DNS ${spec.recordType || "A"} ${spec.name}${server}`);
    }
    case "heartbeat": {
      const spec = specOf(HeartbeatSpecSchema, target.kindSpec);
      if (!spec) return "heartbeat";
      const grace = spec.graceSeconds ? `, ${formatDuration(spec.graceSeconds)} grace` : "";
      const when = spec.cron
        ? `cron ${spec.cron}${spec.timezone && spec.timezone !== "UTC" ? ` ${spec.timezone}` : ""}`
        : `a ping every ${formatDuration(spec.periodSeconds || 3600)}`;
      return cut(`heartbeat (${when}${grace})`);
    }
    default:
      return cut(target.url || "(no URL)");
  }
}
