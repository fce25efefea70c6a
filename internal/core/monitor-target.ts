/**
 * MonitorTargetFacts are the columns that say what a monitor checks: monitors.kind, url and
 * kind_spec (the protobuf JSON of its TcpSpec, DnsSpec or HeartbeatSpec). Rooms that read
 * monitors with their own SQL (alerts, status pages) describe them with these alone.
 */
export interface MonitorTargetFacts {
  kind: string;
  url: string;
  kindSpec: unknown;
}

const field = (spec: unknown, name: string): unknown =>
  typeof spec === "object" && spec !== null ? (spec as Record<string, unknown>)[name] : undefined;
const text = (spec: unknown, name: string): string => {
  const value = field(spec, name);
  return typeof value === "string" ? value : "";
};
const count = (spec: unknown, name: string): number => {
  const value = field(spec, name);
  return typeof value === "number" ? value : 0;
};

/**
 * monitorTargetWords says in a few words what a monitor checks: its URL; `tcp db.example.com:5432`
 * (or `tls …`); `DNS MX example.com @1.1.1.1`; `heartbeat every 1 h` or
 * `heartbeat on "0 3 * * *" (Europe/Paris)`.
 */
export function monitorTargetWords(monitor: MonitorTargetFacts): string {
  const spec = monitor.kindSpec;
  switch (monitor.kind) {
    case "tcp": {
      const host = text(spec, "host");
      const shown = host.includes(":") ? `[${host}]` : host;
      return `${field(spec, "tls") === true ? "tls" : "tcp"} ${shown}:${count(spec, "port")}`;
    }
    case "dns": {
      const server = text(spec, "server");
      const type = text(spec, "recordType") || "A";
      return `DNS ${type} ${text(spec, "name")}${server === "" ? "" : ` @${server}`}`;
    }
    case "heartbeat": {
      const cron = text(spec, "cron");
      if (cron !== "") return `heartbeat on "${cron}" (${text(spec, "timezone") || "UTC"})`;
      return `heartbeat every ${durationWords(count(spec, "periodSeconds"))}`;
    }
    default:
      return monitor.url;
  }
}

/** durationWords writes seconds the way people say them: 45 s, 5 min, 1 h 30 min, 2 d. */
export function durationWords(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) {
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.round((seconds % 3600) / 60);
    return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
  }
  const days = Math.floor(seconds / 86_400);
  const hours = Math.round((seconds % 86_400) / 3600);
  return hours === 0 ? `${days} d` : `${days} d ${hours} h`;
}
