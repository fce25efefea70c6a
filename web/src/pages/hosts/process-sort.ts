import type { ProcessInfo } from "../../../../gen/pulsar/v1/host_pb";

/** ProcessSortKey is a column the top processes table sorts by. */
export type ProcessSortKey = "cpu" | "memory";

/** ProcessSort is the table's order: a column, highest or lowest first. */
export interface ProcessSort {
  key: ProcessSortKey;
  descending: boolean;
}

/** BY_CPU is the order the sample comes in: the busiest process first. */
export const BY_CPU: ProcessSort = { key: "cpu", descending: true };

const VALUE: Record<ProcessSortKey, (p: ProcessInfo) => number> = {
  cpu: (p) => p.cpuPercent,
  memory: (p) => p.memoryBytes,
};

/** sortProcesses orders the processes by a column; ties keep the pid order, so rows stay put. */
export function sortProcesses(processes: readonly ProcessInfo[], sort: ProcessSort): ProcessInfo[] {
  const value = VALUE[sort.key];
  const sign = sort.descending ? -1 : 1;
  return [...processes].sort((a, b) => sign * (value(a) - value(b)) || a.pid - b.pid);
}

/**
 * nextSort is the order after a click on a column's header: the same column flips, another
 * starts with its highest first (what a person looking for a hog wants).
 */
export function nextSort(current: ProcessSort, key: ProcessSortKey): ProcessSort {
  return current.key === key ? { key, descending: !current.descending } : { key, descending: true };
}
