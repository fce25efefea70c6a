import type { Monitor } from "../../../../gen/pulsar/v1/monitor_pb";
import { KIND_NAMES, type KindName, kindOf } from "../../lib/monitor-kind";

/** KindFilter is the overview's kind filter: every monitor, or those of one kind. */
export type KindFilter = "all" | KindName;

/** KindCounts count the monitors of each kind. */
export type KindCounts = Record<KindName, number>;

/** countKinds counts the monitors of each kind, in one pass. */
export function countKinds(monitors: readonly Monitor[]): KindCounts {
  const counts: KindCounts = { http: 0, tcp: 0, dns: 0, heartbeat: 0 };
  for (const monitor of monitors) counts[kindOf(monitor)] += 1;
  return counts;
}

/** kindsPresent are the kinds that have monitors, in the dashboard's order. */
export function kindsPresent(counts: KindCounts): KindName[] {
  return KIND_NAMES.filter((kind) => counts[kind] > 0);
}

/** filterByKind keeps the monitors of the chosen kind (the list itself for "all"). */
export function filterByKind(monitors: readonly Monitor[], kind: KindFilter): readonly Monitor[] {
  if (kind === "all") return monitors;
  return monitors.filter((monitor) => kindOf(monitor) === kind);
}
