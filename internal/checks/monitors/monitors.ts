import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { DnsSpec, HeartbeatSpec, TcpSpec } from "../../../gen/pulsar/v1/check_pb.js";
import type { Monitor } from "../../../gen/pulsar/v1/monitor_pb.js";
import { connection } from "../../db/connection.js";
import { toJsonParam } from "../../db/json.js";
import type { KeysetPage } from "../../db/keyset-page.js";
import type { Queryable } from "../../db/pool.js";
import { withTransaction } from "../../db/transaction.js";
import type { MonitorSchedule } from "../queue/check-queue.js";
import { headersFromJson, type StatusRangeJson, statusRangesFromJson } from "./monitor-json.js";
import { kindSpecJson, kindSpecsFromJson, type MonitorKindName } from "./monitor-kind.js";
import { type RegionLatest, type RegionRuleName, regionLatestOf } from "./monitor-regions.js";
import { monitorFromRow } from "./monitor-row.js";
import { checkTargetOf } from "./monitor-schedule.js";
import * as q from "./monitors.queries.js";

/**
 * ResolvedMonitorSpec is a monitor's spec with every default applied: what is stored. Validation
 * and defaults belong to the caller (internal/service); this package stores what it is given.
 */
export interface ResolvedMonitorSpec {
  name: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  intervalSeconds: number;
  timeoutMs: number;
  expectedStatus: StatusRangeJson[];
  keyword?: string;
  invertKeyword: boolean;
  followRedirects: boolean;
  ignoreTlsErrors: boolean;
  enabled: boolean;
  /** Consecutive failed checks before the monitor is down (1–10). */
  confirmations: number;
  /** Consecutive successful checks before a down monitor is up again (1–10). */
  recoveryConfirmations: number;
  /** Minutes between reminders while down; 0 for none. */
  reminderMinutes: number;
  /**
   * Alert channels of the monitor's organization (the caller checked them); a channel deleted
   * meanwhile, or one of another organization, is left out when stored.
   */
  alertChannelIds: string[];
  /** Serve this monitor's badges to anyone at /badge/<publicId>/… (internal/badges). */
  publicBadges: boolean;
  /** What is checked: an HTTP(S) URL (url and the HTTP fields), or tcp, dns or heartbeat. */
  kind: MonitorKindName;
  tcp?: TcpSpec;
  dns?: DnsSpec;
  /** With its defaults resolved: graceSeconds set, periodSeconds 0 when cron is set. */
  heartbeat?: HeartbeatSpec;
  /** HTTP conditions, each parsed once already by the caller. */
  conditions: string[];
  /** Days left on a certificate at which to alert, largest first; empty for none. */
  tlsExpiryAlertDays: number[];
  /** The regions that check it, distinct, as given; empty for the default region. */
  regions: string[];
  /** How the regions' latest results decide its state. */
  regionRule: RegionRuleName;
}

/** MonitorsPage is one page of listMonitorsPage. */
export interface MonitorsPage {
  monitors: Monitor[];
  /** seqs[i] is the keyset position of monitors[i], for a page token after any of them. */
  seqs: string[];
  /** The position of the last monitor, to pass as afterSeq; undefined on an empty page. */
  lastSeq: string | undefined;
}

/** EnabledSchedulesPage is one page of listEnabledSchedulesPage. */
export interface EnabledSchedulesPage {
  schedules: MonitorSchedule[];
  lastSeq: string | undefined;
}

// seq is an identity column starting at 1, so 0 is before every row.
const FIRST = "0";

/**
 * newPingToken is a heartbeat's secret: 144 random bits, 24 URL-safe characters. Kept only
 * when the monitor is (or becomes) a heartbeat; an existing one survives edits.
 */
const newPingToken = () => randomBytes(18).toString("base64url");

const specParams = (spec: ResolvedMonitorSpec) => {
  const kindSpec = kindSpecJson(spec.kind, spec);
  return {
    ...spec,
    headers: toJsonParam(spec.headers),
    // Only min and max: a StatusRange message would otherwise bring its $typeName along.
    expectedStatus: toJsonParam(spec.expectedStatus.map(({ min, max }) => ({ min, max }))),
    kindSpec: kindSpec === null ? null : toJsonParam(kindSpec),
    newPingToken: newPingToken(),
  };
};

/**
 * insertMonitor stores a new monitor of an organization and its (empty) state atomically.
 * Every function here that returns a Monitor takes `now`, the caller's clock, to tell which
 * regions of a monitor of several are silent (Monitor.region_states).
 */
export async function insertMonitor(
  db: Queryable,
  orgId: string,
  spec: ResolvedMonitorSpec,
  now = new Date(),
): Promise<Monitor> {
  const [row] = await q.insertMonitor.run({ ...specParams(spec), orgId }, connection(db));
  // INSERT ... RETURNING yields exactly one row or throws.
  if (!row) throw new Error("insertMonitor returned no row");
  return monitorFromRow(row, now);
}

/**
 * updateMonitor replaces a monitor's spec; undefined when the organization has no such monitor.
 * Every function here that takes an orgId sees only that organization's monitors.
 */
export async function updateMonitor(
  db: Queryable,
  orgId: string,
  id: string,
  spec: ResolvedMonitorSpec,
  now = new Date(),
): Promise<Monitor | undefined> {
  const [row] = await q.updateMonitor.run({ ...specParams(spec), id, orgId }, connection(db));
  return row && monitorFromRow(row, now);
}

/** setMonitorEnabled pauses or resumes a monitor; undefined when there is no such monitor. */
export async function setMonitorEnabled(
  db: Queryable,
  orgId: string,
  id: string,
  enabled: boolean,
  now = new Date(),
): Promise<Monitor | undefined> {
  const [row] = await q.setMonitorEnabled.run({ id, orgId, enabled }, connection(db));
  return row && monitorFromRow(row, now);
}

/**
 * deleteMonitor deletes a monitor, its state and its results; false when it did not exist. Its
 * state rows are locked first, in the order every writer locks them (LockHeartbeatBeforeDelete),
 * in one round trip with the delete on a pipelined client.
 */
export async function deleteMonitor(
  pool: Pick<pg.Pool, "connect">,
  orgId: string,
  id: string,
): Promise<boolean> {
  return withTransaction(pool, async (tx) => {
    const db = connection(tx);
    const [, , [row]] = await Promise.all([
      q.lockHeartbeatBeforeDelete.run({ id, orgId }, db),
      q.lockStateBeforeDelete.run({ id, orgId }, db),
      q.deleteMonitor.run({ id, orgId }, db),
    ]);
    return row?.deleted ?? false;
  });
}

/**
 * getMonitor reads one monitor with its status and last result, and each region's latest state
 * when it has several.
 */
export async function getMonitor(
  db: Queryable,
  orgId: string,
  id: string,
  now = new Date(),
): Promise<Monitor | undefined> {
  const [row] = await q.getMonitor.run({ id, orgId }, connection(db));
  return row && monitorFromRow(row, now);
}

/**
 * listMonitorsPage reads monitors in creation order after a keyset position (of one kind when
 * page.kind is set), each with its status and last result (from monitor_state: one row per monitor, never the results table),
 * and each region's latest state for a monitor of several (monitor_region_state, by its key).
 */
export async function listMonitorsPage(
  db: Queryable,
  orgId: string,
  page: KeysetPage & { kind?: MonitorKindName },
  now = new Date(),
): Promise<MonitorsPage> {
  const rows = await q.listMonitorsPage.run(
    { orgId, afterSeq: page.afterSeq ?? FIRST, limit: page.limit, kind: page.kind ?? "" },
    connection(db),
  );
  const seqs = rows.map((row) => row.seq);
  return { monitors: rows.map((row) => monitorFromRow(row, now)), seqs, lastSeq: seqs.at(-1) };
}

/**
 * getMonitorWithRegionResults reads what getMonitor reads and, for a monitor of several regions,
 * each region's latest result, in one query that reads monitor_region_state once. regionLatest
 * is empty for a monitor of one region: its own latest result is its region's (ownRegionLatest).
 */
export async function getMonitorWithRegionResults(
  db: Queryable,
  orgId: string,
  id: string,
  now = new Date(),
): Promise<{ monitor: Monitor; regionLatest: RegionLatest[] } | undefined> {
  const [row] = await q.getMonitorWithRegionResults.run({ id, orgId }, connection(db));
  if (!row) return undefined;
  // Aligned with regions (one aggregate row), as monitorFromRow reads the others.
  const states = (row.region_state_regions ?? []).map((region, i) => ({
    region,
    last_checked_at: row.region_state_checked_ats?.[i] ?? new Date(0),
    last_result: row.region_state_results?.[i] ?? null,
  }));
  return { monitor: monitorFromRow(row, now), regionLatest: regionLatestOf(states) };
}

/** listEnabledSchedulesPage reads one keyset page of the enabled monitors' schedules. */
export async function listEnabledSchedulesPage(
  db: Queryable,
  page: KeysetPage,
): Promise<EnabledSchedulesPage> {
  const rows = await q.listEnabledSchedulesPage.run(
    { afterSeq: page.afterSeq ?? FIRST, limit: page.limit },
    connection(db),
  );
  const schedules = rows.map((row) => ({
    monitorId: row.id,
    orgId: row.org_id ?? "",
    intervalSeconds: row.interval_seconds,
    target: checkTargetOf({
      url: row.url,
      method: row.method,
      headers: headersFromJson(row.headers),
      body: row.body ?? undefined,
      timeoutMs: row.timeout_ms,
      expectedStatus: statusRangesFromJson(row.expected_status),
      keyword: row.keyword ?? undefined,
      invertKeyword: row.invert_keyword,
      followRedirects: row.follow_redirects,
      ignoreTlsErrors: row.ignore_tls_errors,
      ...kindSpecsFromJson(row.kind, row.kind_spec),
      conditions: row.conditions,
    }),
    regions: row.regions,
  }));
  return { schedules, lastSeq: rows.at(-1)?.seq };
}

/**
 * listEnabledSchedules reads every enabled monitor's schedule, page by page: short queries
 * rather than one long one, so 10,000+ monitors hold no snapshot open. A monitor changed
 * meanwhile may be seen before or after its change; reconciliation runs again anyway.
 */
export async function listEnabledSchedules(
  db: Queryable,
  pageSize = 1000,
): Promise<MonitorSchedule[]> {
  const all: MonitorSchedule[] = [];
  let afterSeq: string | undefined;
  for (;;) {
    const page = await listEnabledSchedulesPage(db, { afterSeq, limit: pageSize });
    all.push(...page.schedules);
    if (page.schedules.length < pageSize || page.lastSeq === undefined) return all;
    afterSeq = page.lastSeq;
  }
}

/** countEnabledMonitors counts the monitors that should have a job scheduler. */
export async function countEnabledMonitors(db: Queryable): Promise<number> {
  const [row] = await q.countEnabledMonitors.run(undefined, connection(db));
  return row?.count ?? 0;
}

/** filterOwnedMonitorIds returns those of the ids that are monitors of the organization. */
export async function filterOwnedMonitorIds(
  db: Queryable,
  orgId: string,
  ids: readonly string[],
): Promise<string[]> {
  const rows = await q.filterOwnedMonitorIds.run({ orgId, ids: [...ids] }, connection(db));
  return rows.map((row) => row.id);
}
