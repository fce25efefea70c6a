import { type Monitor, MonitorKind } from "../../../gen/pulsar/v1/monitor_pb";
import { formatDuration } from "../../../shared/duration";

/** KindName is what a monitor checks, as the dashboard names it in code. */
export type KindName = "http" | "tcp" | "dns" | "heartbeat";

/** KIND_NAMES are the kinds in the order the dashboard offers them. */
export const KIND_NAMES: readonly KindName[] = ["http", "tcp", "dns", "heartbeat"];

/** KIND_LABEL is each kind's short name for people (badges, filters). */
export const KIND_LABEL: Record<KindName, string> = {
  http: "HTTP",
  tcp: "TCP",
  dns: "DNS",
  heartbeat: "Heartbeat",
};

/** MONITOR_KIND is each kind's value in the API. */
export const MONITOR_KIND: Record<KindName, MonitorKind> = {
  http: MonitorKind.HTTP,
  tcp: MonitorKind.TCP,
  dns: MonitorKind.DNS,
  heartbeat: MonitorKind.HEARTBEAT,
};

/**
 * kindOf is what a monitor checks. A monitor read from a server older than kinds says
 * UNSPECIFIED: then the spec that is set decides, and a bare URL is HTTP.
 */
export function kindOf(monitor: Pick<Monitor, "kind" | "tcp" | "dns" | "heartbeat">): KindName {
  switch (monitor.kind) {
    case MonitorKind.HTTP:
      return "http";
    case MonitorKind.TCP:
      return "tcp";
    case MonitorKind.DNS:
      return "dns";
    case MonitorKind.HEARTBEAT:
      return "heartbeat";
    default:
      if (monitor.tcp) return "tcp";
      if (monitor.dns) return "dns";
      if (monitor.heartbeat) return "heartbeat";
      return "http";
  }
}

/** hostPort writes a host and port as an address: "db.example:5432", "[2001:db8::1]:443". */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * targetOf says in a few words what a monitor checks: its URL; "db.example:5432" (with "TLS"
 * when wrapped); "MX example.com" (and "@ server" when one is named); "heartbeat every 1 h" or
 * "heartbeat on cron 0 3 * * * (Europe/Paris)". Never the ping URL: it is a secret.
 */
export function targetOf(
  monitor: Pick<Monitor, "kind" | "url" | "tcp" | "dns" | "heartbeat">,
): string {
  switch (kindOf(monitor)) {
    case "tcp": {
      const tcp = monitor.tcp;
      if (!tcp) return "";
      return hostPort(tcp.host, tcp.port) + (tcp.tls ? " (TLS)" : "");
    }
    case "dns": {
      const dns = monitor.dns;
      if (!dns) return "";
      return `${dns.recordType || "A"} ${dns.name}${dns.server ? ` @ ${dns.server}` : ""}`;
    }
    case "heartbeat": {
      const beat = monitor.heartbeat;
      if (beat?.cron) {
        const zone = beat.timezone && beat.timezone !== "UTC" ? ` (${beat.timezone})` : "";
        return `heartbeat on cron ${beat.cron}${zone}`;
      }
      return `heartbeat every ${formatDuration(beat?.periodSeconds || 3600)}`;
    }
    default:
      return monitor.url;
  }
}
