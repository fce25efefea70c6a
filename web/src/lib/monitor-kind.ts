import { type Monitor, MonitorKind } from "../../../gen/pulsar/v1/monitor_pb";
import { targetDetail } from "../../../shared/monitor-target";

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

/**
 * targetOf says in a few words what a monitor checks, beside the badge that names its kind:
 * the words alerts and status pages use (shared/monitor-target.ts), read from the Monitor
 * message's spec, whose fields are those of the JSON the server words. Never the ping URL: it
 * is a secret.
 */
export function targetOf(
  monitor: Pick<Monitor, "kind" | "url" | "tcp" | "dns" | "heartbeat">,
): string {
  const kind = kindOf(monitor);
  const kindSpec = kind === "http" ? undefined : monitor[kind];
  return targetDetail({ kind, url: monitor.url, kindSpec });
}
