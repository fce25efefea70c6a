import type { CheckResult } from "../../../../gen/pulsar/v1/check_pb";
import { type Monitor, MonitorStatus } from "../../../../gen/pulsar/v1/monitor_pb";
import type { StatusKind } from "../../components/status-dot";
import { timestampMs } from "../../lib/format";
import { targetOf } from "../../lib/monitor-kind";
import { withRegionResult } from "./region-states";

/** StatusFilter is the overview's status filter: every monitor, or those of one status. */
export type StatusFilter = "all" | "up" | "down" | "paused";

/** StatusCounts count monitors per filter ("all" counts every monitor, pending ones too). */
export type StatusCounts = Record<StatusFilter | "pending" | "maintenance", number>;

/** statusKind reads a monitor's status as the dashboard shows it. */
export function statusKind(monitor: Monitor): StatusKind {
  switch (monitor.status) {
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

/**
 * withResult is the monitor after a live check result: its last result and time, and UP or
 * DOWN from it, unless the monitor is paused (a check that was running when it was paused
 * still reports) or the check ran in a maintenance window (MAINTENANCE until a check outside
 * one says otherwise). A result older than the one the monitor has is ignored: the stream replays
 * the recent past, which may predate the list just loaded. A monitor checked from several
 * regions takes the status published with the result (`decided`, the regions' verdict), or
 * keeps its own when none came: one region's result is not the verdict; that region's dot
 * (region_states) takes the result, even one older than another region's last.
 */
export function withResult(
  monitor: Monitor,
  result: CheckResult,
  decided: MonitorStatus = MonitorStatus.UNSPECIFIED,
): Monitor {
  const have = timestampMs(monitor.lastResult?.checkedAt);
  const older = monitor.lastResult !== undefined && timestampMs(result.checkedAt) < have;
  if (monitor.regions.length > 1) {
    // Its region's dot, whatever the other regions said since: each region keeps its own time.
    const regionStates = withRegionResult(monitor.regionStates, result);
    if (older)
      return regionStates === monitor.regionStates ? monitor : { ...monitor, regionStates };
    const shown =
      !monitor.enabled || decided === MonitorStatus.UNSPECIFIED
        ? monitor.status
        : result.maintenance
          ? MonitorStatus.MAINTENANCE
          : decided;
    return { ...monitor, lastResult: result, status: shown, regionStates };
  }
  if (older) return monitor;
  const status = !monitor.enabled
    ? MonitorStatus.PAUSED
    : result.maintenance
      ? MonitorStatus.MAINTENANCE
      : result.up
        ? MonitorStatus.UP
        : MonitorStatus.DOWN;
  return { ...monitor, lastResult: result, status };
}

/** countStatuses counts the monitors of each status. */
export function countStatuses(monitors: readonly Monitor[]): StatusCounts {
  const counts: StatusCounts = {
    all: monitors.length,
    up: 0,
    down: 0,
    paused: 0,
    pending: 0,
    maintenance: 0,
  };
  for (const monitor of monitors) counts[statusKind(monitor)] += 1;
  return counts;
}

/**
 * filterMonitors keeps the monitors of the chosen status whose name or target (URL, host and
 * port, DNS name, schedule) contains the search text (any case).
 */
export function filterMonitors(
  monitors: readonly Monitor[],
  status: StatusFilter,
  search: string,
): readonly Monitor[] {
  const needle = search.trim().toLowerCase();
  if (status === "all" && needle === "") return monitors;
  return monitors.filter(
    (m) =>
      (status === "all" || statusKind(m) === status) &&
      (needle === "" ||
        m.name.toLowerCase().includes(needle) ||
        targetOf(m).toLowerCase().includes(needle)),
  );
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/**
 * byName orders monitors by name (then id, so equal names keep a stable order). By name
 * rather than by status: rows do not jump under the pointer when a check flips; the Down
 * filter and its count are where problems surface.
 */
export function byName(a: Monitor, b: Monitor): number {
  return collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
