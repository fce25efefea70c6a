import { CheckErrorKind, type CheckResult } from "../../../../gen/pulsar/v1/check_pb";
import { formatDuration } from "../../../../shared/duration";
import { ms } from "../../lib/format";

/** jobTime says how long a job ran, as the server's messages do: "350 ms", "2 min 5 s". */
export function jobTime(durationMs: number): string {
  return durationMs < 1000 ? ms(durationMs) : formatDuration(durationMs / 1000);
}

/** isPing tells whether a heartbeat result is a ping (a run, or a failed one), not a miss. */
export function isPing(result: CheckResult): boolean {
  return result.errorKind !== CheckErrorKind.HEARTBEAT_MISSED;
}

/** lastPing is the newest ping among results (newest first), if any. */
export function lastPing(results: readonly CheckResult[]): CheckResult | undefined {
  return results.find(isPing);
}

/**
 * HeartbeatDeadline is what the page says of a heartbeat's deadline (Monitor.heartbeatDueAt,
 * which the server keeps for period and cron schedules alike): nothing while paused, none
 * ahead (a cron schedule that never fires again), a deadline ahead, one that passed with no
 * result since, or one a newer result has moved on (the monitor is being read again).
 */
export type HeartbeatDeadline =
  | { state: "paused" }
  | { state: "none" }
  | { state: "ahead"; dueMs: number }
  | { state: "late"; dueMs: number }
  | { state: "moved" };

/**
 * heartbeatDeadline reads a heartbeat's deadline at nowMs. dueMs is Monitor.heartbeatDueAt
 * (0 when absent); newestResultMs is the newest result's check time, live ones included: a
 * ping or a missed deadline recorded at or after dueMs means the server has set the next one,
 * which only a new read of the monitor tells.
 */
export function heartbeatDeadline(
  enabled: boolean,
  dueMs: number,
  newestResultMs: number,
  nowMs: number,
): HeartbeatDeadline {
  if (!enabled) return { state: "paused" };
  if (dueMs <= 0) return { state: "none" };
  if (dueMs > nowMs) return { state: "ahead", dueMs };
  return newestResultMs >= dueMs ? { state: "moved" } : { state: "late", dueMs };
}

/** roughly says a span of seconds to the minute once it is over a minute: "42 s", "1 h 5 min". */
export function roughly(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return formatDuration(s < 60 ? s : Math.round(s / 60) * 60);
}
