import { create, fromJson } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { CheckResultSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { type Monitor, MonitorSchema, MonitorStatus } from "../../../gen/pulsar/v1/monitor_pb.js";
import { headersFromJson, statusRangesFromJson } from "./monitor-json.js";
import { kindOfName, kindSpecsFromJson } from "./monitor-kind.js";
import { type RegionUp, regionRuleOfName, regionStatesOf } from "./monitor-regions.js";
import type { GetMonitorResult } from "./monitors.queries.js";

/**
 * MonitorRow is the row shape every monitor query in monitors.sql returns: the monitor's
 * columns, its monitor_state and, for a monitor of several regions, each region's latest up and
 * time (three aligned arrays, null when no region has a row). The generated result types are all
 * assignable to it.
 */
export type MonitorRow = GetMonitorResult;

/**
 * monitorStatus derives what the dashboard shows: a paused monitor is PAUSED whatever its last
 * result; an enabled one is PENDING until its first check lands.
 */
export function monitorStatus(row: Pick<MonitorRow, "enabled" | "last_up">): MonitorStatus {
  if (!row.enabled) return MonitorStatus.PAUSED;
  if (row.last_up === null) return MonitorStatus.PENDING;
  return row.last_up ? MonitorStatus.UP : MonitorStatus.DOWN;
}

/** PING_PATH is where heartbeat pings arrive: PING_PATH + token (internal/checks/heartbeat). */
export const PING_PATH = "/ping/";

/** regionUpsOf reads a row's region_state_* arrays, which array_agg filled in one order. */
function regionUpsOf(row: MonitorRow): RegionUp[] {
  const regions = row.region_state_regions ?? [];
  return regions.map((region, i) => ({
    region,
    up: row.region_state_ups?.[i] ?? false,
    // Aligned with regions (one aggregate row); the epoch only if a driver ever disagreed.
    checkedAt: row.region_state_checked_ats?.[i] ?? new Date(0),
  }));
}

/**
 * monitorFromRow turns a row of any monitor query into a pulsar.v1.Monitor. `now` is the
 * instant against which a region's latest result is fresh or silent (region_states).
 */
export function monitorFromRow(row: MonitorRow, now: Date): Monitor {
  return create(MonitorSchema, {
    id: row.id,
    name: row.name,
    url: row.url,
    method: row.method,
    headers: headersFromJson(row.headers),
    body: row.body ?? undefined,
    intervalSeconds: row.interval_seconds,
    timeoutMs: row.timeout_ms,
    expectedStatus: statusRangesFromJson(row.expected_status),
    keyword: row.keyword ?? undefined,
    invertKeyword: row.invert_keyword,
    followRedirects: row.follow_redirects,
    ignoreTlsErrors: row.ignore_tls_errors,
    enabled: row.enabled,
    confirmations: row.confirmations,
    recoveryConfirmations: row.recovery_confirmations,
    alertChannelIds: row.alert_channel_ids,
    reminderMinutes: row.reminder_minutes,
    publicBadges: row.public_badges,
    // Always the organization's to see: it is what their badge URLs are made of.
    publicId: row.public_id,
    kind: kindOfName(row.kind),
    ...kindSpecsFromJson(row.kind, row.kind_spec),
    // The path alone: the service puts PUBLIC_URL before it when one is configured.
    pingUrl: row.ping_token === null ? "" : `${PING_PATH}${row.ping_token}`,
    conditions: row.conditions,
    tlsExpiryAlertDays: row.tls_expiry_alert_days,
    // As stored: the service fills in the default region (DEFAULT_REGION) when there are none.
    regions: row.regions,
    regionRule: regionRuleOfName(row.region_rule),
    // Empty for a monitor of one region (or of the default one: none stored).
    regionStates: regionStatesOf(row.regions, regionUpsOf(row), row.interval_seconds, now),
    // Only a running heartbeat waits for a ping (a row left from an earlier kind means nothing).
    ...(row.kind === "heartbeat" &&
      row.enabled && {
        heartbeatDueAt: row.heartbeat_due_at ? timestampFromDate(row.heartbeat_due_at) : undefined,
        heartbeatStartedAt: row.heartbeat_started_at
          ? timestampFromDate(row.heartbeat_started_at)
          : undefined,
      }),
    createdAt: timestampFromDate(row.created_at),
    updatedAt: timestampFromDate(row.updated_at),
    status: monitorStatus(row),
    // Stored by this package from toJson(CheckResultSchema); unknown fields are tolerated so
    // that rows written before a field was removed from the proto still read.
    lastResult:
      row.last_result === null
        ? undefined
        : fromJson(CheckResultSchema, row.last_result, { ignoreUnknownFields: true }),
  });
}
