import type { CheckResult } from "../../../../gen/pulsar/v1/check_pb";
import { type Monitor, MonitorStatus } from "../../../../gen/pulsar/v1/monitor_pb";
import { timestampMs } from "../../lib/format";

/**
 * mergeResults unites check results from the list and from the stream (whose replay repeats
 * recent ones), newest first, one per check time, at most limit.
 */
export function mergeResults(
  lists: readonly (readonly CheckResult[])[],
  limit: number,
): CheckResult[] {
  const byTime = new Map<number, CheckResult>();
  for (const list of lists) {
    for (const result of list) byTime.set(timestampMs(result.checkedAt), result);
  }
  return [...byTime.entries()]
    .sort(([a], [b]) => b - a)
    .slice(0, limit)
    .map(([, result]) => result);
}

/**
 * withLatestResult is the monitor as a newer check result makes it: up or down, with that
 * result as its last. A paused monitor stays paused, and an older result changes nothing. Nor
 * does any result of a monitor checked from several regions: one region's result is not the
 * regions' verdict, so such a monitor is read again instead (useHeartbeatReread).
 */
export function withLatestResult(monitor: Monitor, latest: CheckResult | undefined): Monitor {
  if (!latest || !monitor.enabled || monitor.regions.length > 1) return monitor;
  if (timestampMs(latest.checkedAt) <= timestampMs(monitor.lastResult?.checkedAt)) return monitor;
  return {
    ...monitor,
    status: latest.up ? MonitorStatus.UP : MonitorStatus.DOWN,
    lastResult: latest,
  };
}

/**
 * newerMonitor is whichever of two reads of a monitor is the later state of it: a read whose
 * updatedAt is older than the one held was begun before a change (a pause) and is dropped. A
 * read of another monitor (the page moved on) always wins.
 */
export function newerMonitor(held: Monitor | undefined, read: Monitor): Monitor {
  if (held?.id !== read.id) return read;
  return timestampMs(read.updatedAt) < timestampMs(held.updatedAt) ? held : read;
}
