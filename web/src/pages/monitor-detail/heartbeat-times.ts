import type { HeartbeatSpec } from "../../../../gen/pulsar/v1/check_pb";
import { CheckErrorKind, type CheckResult } from "../../../../gen/pulsar/v1/check_pb";
import { formatDuration } from "../../../../shared/duration";
import { ms, timestampMs } from "../../lib/format";

/** The server's defaults when a spec leaves them unset. */
const DEFAULT_PERIOD_S = 3600;
const DEFAULT_GRACE_S = 300;

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
 * nextDeadlineMs is when a heartbeat with a period is late, as the server reckons it: the
 * latest of its last ping, its last missed deadline (the next one is a period later) and the
 * moment it was last changed (watching starts again then), plus the period and the grace.
 * Null for a cron schedule: its times need the cron reader, which stays on the server.
 */
export function nextDeadlineMs(
  heartbeat: HeartbeatSpec,
  results: readonly CheckResult[],
  changedAtMs: number,
): number | null {
  if (heartbeat.cron !== "") return null;
  const periodMs = (heartbeat.periodSeconds || DEFAULT_PERIOD_S) * 1000;
  const graceMs = (heartbeat.graceSeconds ?? DEFAULT_GRACE_S) * 1000;
  const ping = lastPing(results);
  const miss = results.find((r) => !isPing(r));
  const anchor = Math.max(
    changedAtMs,
    ping ? timestampMs(ping.checkedAt) : 0,
    // A miss is recorded once its deadline passed: the run it stood for was a grace earlier.
    miss ? timestampMs(miss.checkedAt) - graceMs : 0,
  );
  return anchor > 0 ? anchor + periodMs + graceMs : null;
}
