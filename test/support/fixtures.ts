// Builders shared by the tests of this package. Not imported by production code.
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type CheckResult, CheckResultSchema } from "../../gen/pulsar/v1/check_pb.js";
import type { ResolvedMonitorSpec } from "../../internal/checks/monitors/monitors.js";
import type { Queryable } from "../../internal/db/pool.js";

/** specFixture is a valid resolved spec, with overrides. */
export function specFixture(overrides: Partial<ResolvedMonitorSpec> = {}): ResolvedMonitorSpec {
  return {
    name: "example",
    url: "https://example.com/health",
    method: "GET",
    headers: {},
    intervalSeconds: 60,
    timeoutMs: 10_000,
    expectedStatus: [{ min: 200, max: 399 }],
    invertKeyword: false,
    followRedirects: true,
    ignoreTlsErrors: false,
    enabled: true,
    confirmations: 2,
    recoveryConfirmations: 1,
    reminderMinutes: 0,
    alertChannelIds: [],
    publicBadges: false,
    kind: "http",
    conditions: [],
    tlsExpiryAlertDays: [14, 3],
    regions: [],
    regionRule: "majority",
    ...overrides,
  };
}

/** ResultFixture sets the fields tests vary; the timing phases take fixed shares of totalMs. */
export interface ResultFixture {
  monitorId: string;
  checkedAtMs: number;
  up?: boolean;
  statusCode?: number;
  totalMs?: number;
  tlsCertExpiresAtMs?: number;
  tlsCertIssuer?: string;
}

/** resultFixture builds a CheckResult the way the worker would. */
export function resultFixture(f: ResultFixture): CheckResult {
  const total = f.totalMs ?? 100;
  const up = f.up ?? true;
  return create(CheckResultSchema, {
    monitorId: f.monitorId,
    checkedAt: timestampFromMs(f.checkedAtMs),
    scheduledAt: timestampFromMs(f.checkedAtMs - 5),
    up,
    statusCode: f.statusCode ?? (up ? 200 : 503),
    error: up ? "" : "status 503",
    errorKind: up ? 0 : 6,
    timing: {
      redirectMs: 0,
      dnsMs: total * 0.1,
      connectMs: total * 0.2,
      tlsMs: total * 0.3,
      ttfbMs: total * 0.3,
      downloadMs: total * 0.1,
      totalMs: total,
    },
    responseBytes: 1234n,
    region: "test",
    tlsCertExpiresAt:
      f.tlsCertExpiresAtMs === undefined ? undefined : timestampFromMs(f.tlsCertExpiresAtMs),
    tlsCertIssuer: f.tlsCertIssuer ?? "",
    redirectCount: 0,
    remoteAddress: "192.0.2.1",
    loopDelayMs: 0.5,
  });
}

/** MINUTE and DAY in milliseconds. */
export const MINUTE = 60_000;
/** DAY in milliseconds. */
export const DAY = 86_400_000;

/**
 * createDayPartition adds the check_results partition of the UTC day dayOffset days from today,
 * named as pulsar_maintain_check_result_partitions names them. That function only creates
 * partitions from yesterday on; tests that store older results need these.
 */
export async function createDayPartition(db: Queryable, dayOffset: number): Promise<string> {
  const start = new Date(Math.floor(Date.now() / DAY) * DAY + dayOffset * DAY);
  const end = new Date(start.getTime() + DAY);
  const name = `check_results_${start.toISOString().slice(0, 10).replaceAll("-", "")}`;
  await db.query(
    `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF check_results
     FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`,
  );
  return name;
}
