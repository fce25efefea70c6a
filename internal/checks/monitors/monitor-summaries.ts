import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type MonitorSummary,
  MonitorSummarySchema,
  type TimingPoint,
  TimingPointSchema,
} from "../../../gen/pulsar/v1/monitor_pb.js";
import type { HourlyRollup, TimingBucket } from "../results/rollups.js";

/** SUMMARY_HOURS is how many hours a summary covers: the current one and the 23 before. */
export const SUMMARY_HOURS = 24;

const HOUR_MS = 3_600_000;

/** summaryStart is the first hour a summary covers at `now` (UTC hours, as the rollups). */
export function summaryStart(now: Date): Date {
  return new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (SUMMARY_HOURS - 1) * HOUR_MS);
}

/**
 * buildSummaries turns rollups into one summary per monitor that has any, with the 24 hourly
 * averages in order (0 for hours without a response). Monitors without checks in the last day
 * get a summary of zeros, so the overview can tell "no data" from "not loaded".
 */
export function buildSummaries(
  monitorIds: readonly string[],
  rollups: readonly HourlyRollup[],
  start: Date,
): MonitorSummary[] {
  const byMonitor = new Map<string, HourlyRollup[]>();
  for (const rollup of rollups) {
    const list = byMonitor.get(rollup.monitorId);
    if (list) list.push(rollup);
    else byMonitor.set(rollup.monitorId, [rollup]);
  }
  return monitorIds.map((monitorId) => {
    const hourly = new Array<number>(SUMMARY_HOURS).fill(0);
    let checks = 0;
    let failures = 0;
    for (const rollup of byMonitor.get(monitorId) ?? []) {
      const index = Math.round((rollup.hour.getTime() - start.getTime()) / HOUR_MS);
      if (index < 0 || index >= SUMMARY_HOURS) continue;
      checks += rollup.checks;
      failures += rollup.failures;
      hourly[index] = rollup.responses > 0 ? rollup.totalMsSum / rollup.responses : 0;
    }
    return create(MonitorSummarySchema, {
      monitorId,
      checks24h: checks,
      uptimeRatio24h: checks > 0 ? (checks - failures) / checks : 0,
      hourlyAvgTotalMs: hourly,
    });
  });
}

/** TIMING_WINDOWS maps the windows of GetMonitorTimings to their length and bucket, seconds. */
export const TIMING_WINDOWS: Readonly<Record<string, { seconds: number; step: number }>> = {
  // About 60–170 points each: enough for a smooth chart, few enough to draw at once.
  "1h": { seconds: 3600, step: 60 },
  "24h": { seconds: 86_400, step: 600 },
  "7d": { seconds: 7 * 86_400, step: 3600 },
};

/** timingPoint builds a pulsar.v1.TimingPoint from a bucket. */
export function timingPoint(bucket: TimingBucket): TimingPoint {
  return create(TimingPointSchema, {
    time: timestampFromDate(bucket.time),
    dnsMs: bucket.dns_ms,
    connectMs: bucket.connect_ms,
    tlsMs: bucket.tls_ms,
    ttfbMs: bucket.ttfb_ms,
    downloadMs: bucket.download_ms,
    redirectMs: bucket.redirect_ms,
    totalMs: bucket.total_ms,
    checks: bucket.checks,
    failures: bucket.failures,
  });
}
