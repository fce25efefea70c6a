import { MonitorStatus } from "../../../../gen/pulsar/v1/monitor_pb";
import type { StatusKind } from "../../components/status-dot";

/** statusKind is a monitor status as the shared StatusDot names it. */
export function statusKind(status: MonitorStatus): StatusKind {
  switch (status) {
    case MonitorStatus.UP:
      return "up";
    case MonitorStatus.DOWN:
      return "down";
    case MonitorStatus.PAUSED:
      return "paused";
    case MonitorStatus.MAINTENANCE:
      return "maintenance";
    default:
      return "pending";
  }
}

/** seconds says a whole number of seconds in the largest unit that divides it: "30 s", "5 min", "2 h". */
export function seconds(value: number): string {
  if (value > 0 && value % 3600 === 0) return `${value / 3600} h`;
  if (value > 0 && value % 60 === 0) return `${value / 60} min`;
  return `${value} s`;
}

/** daysUntil counts whole days from now to a time; negative once it has passed. */
export function daysUntil(atMs: number, nowMs = Date.now()): number {
  return Math.floor((atMs - nowMs) / 86_400_000);
}
