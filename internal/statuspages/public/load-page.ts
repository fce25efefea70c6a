import { targetWords } from "../../../shared/monitor-target.js";
import { connection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import {
  activeAt,
  type MaintenanceSchedule,
  occurrences,
  type Recurrence,
} from "../../maintenance/schedule.js";
import type {
  Impact,
  PublicGroup,
  PublicIncident,
  PublicMaintenance,
  PublicMonitor,
  PublicPage,
} from "./model.js";
import { componentStatus, monitorState, pageBanner, worseImpact } from "./page-status.js";
import { publicId } from "./public-ids.js";
import * as q from "./public-page.queries.js";
import { barStart, type DayTotals, dayCells, overallUptime } from "./uptime-days.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** How long resolved incidents stay on the page. */
const RESOLVED_DAYS = 14;
/** How far ahead upcoming maintenance is shown. */
const UPCOMING_DAYS = 30;

/**
 * loadPublicPage reads the page of slug (undefined: none) and everything it shows, in six
 * queries, the last five at once (a cold page costs about one round trip plus the slowest), and builds its public model at now. Private columns are read
 * only where a decision needs them (a monitor's uuid to join on, its URL when show_url) and
 * never copied into the model.
 */
export async function loadPublicPage(
  db: Queryable,
  slug: string,
  now: Date,
): Promise<PublicPage | undefined> {
  const conn = connection(db);
  const [page] = await q.findPublicPage.run({ slug }, conn);
  if (!page) return undefined;
  // Everything else at once: each query finds the page's monitors itself.
  const [rows, days, hours, incidentRows, maintenanceRows] = await Promise.all([
    q.listPublicPageMonitors.run({ pageId: page.id, orgId: page.org_id }, conn),
    q.listPublicPageDays.run({ pageId: page.id, since: barStart(now) }, conn),
    page.show_response_times
      ? q.listPublicPageHours.run(
          { pageId: page.id, since: new Date(hourStart(now) - 23 * HOUR_MS) },
          conn,
        )
      : Promise.resolve([]),
    q.listPublicPageIncidents.run(
      { pageId: page.id, resolvedSince: new Date(now.getTime() - RESOLVED_DAYS * DAY_MS) },
      conn,
    ),
    q.listPublicPageMaintenances.run(
      { orgId: page.org_id, pageId: page.id, endedSince: now },
      conn,
    ),
  ]);
  const monitorIds = rows.map((r) => r.monitor_id);

  const idOf = (monitorId: string) => publicId(page.id, "monitor", monitorId);
  const nameOf = new Map(rows.map((r) => [r.monitor_id, r.display_name || r.name]));
  const affected = (ids: readonly string[]) => {
    const onPage = ids.filter((id) => nameOf.has(id));
    const chosen = ids.length === 0 ? monitorIds : onPage;
    return {
      affected: chosen.map((id) => nameOf.get(id) ?? ""),
      affectedIds: chosen.map(idOf),
      monitorIds: chosen,
    };
  };

  const maintenances: PublicMaintenance[] = [];
  const inMaintenance = new Set<string>();
  let pageMaintenance = false;
  for (const row of maintenanceRows) {
    const window = windowOf(row, now);
    if (!window) continue;
    const scope = affected(row.status_page_ids.includes(page.id) ? [] : row.monitor_ids);
    if (window.active) {
      for (const id of scope.monitorIds) inMaintenance.add(id);
      if (row.status_page_ids.includes(page.id)) pageMaintenance = true;
    }
    maintenances.push({
      id: publicId(page.id, "maintenance", row.id),
      title: row.title,
      description: row.description,
      startsAt: window.startsAt,
      endsAt: window.endsAt,
      active: window.active,
      recurring: row.recurrence !== null,
      affected: scope.affected,
      affectedIds: scope.affectedIds,
      updatedAt: row.updated_at,
    });
  }
  maintenances.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());

  const incidents: PublicIncident[] = [];
  const impactOn = new Map<string, Impact>();
  for (const row of incidentRows) {
    const scope = affected(row.monitor_ids);
    const impact = row.impact as Impact;
    if (row.resolved_at === null) {
      for (const id of scope.monitorIds) {
        impactOn.set(id, worseImpact(impactOn.get(id) ?? "none", impact));
      }
    }
    incidents.push({
      id: publicId(page.id, "incident", row.id),
      title: row.title,
      impact,
      status: row.status,
      createdAt: row.created_at,
      resolvedAt: row.resolved_at,
      updates: updatesOf(row.updates).map((u) => ({
        ...u,
        id: publicId(page.id, "update", u.id),
      })),
      affected: scope.affected,
      affectedIds: scope.affectedIds,
    });
  }

  const totals = new Map<string, DayTotals[]>();
  for (const d of days) {
    const list = totals.get(d.monitor_id) ?? [];
    list.push({
      day: d.day.toISOString().slice(0, 10),
      checks: d.checks,
      failures: d.failures,
      maintenanceChecks: d.maintenance_checks,
    });
    totals.set(d.monitor_id, list);
  }
  const hourly = responseTimesByMonitor(hours, now);

  const groups: PublicGroup[] = page.group_names.map((name, index) => ({
    id: publicId(page.id, "group", String(index)),
    name,
    monitors: [],
  }));
  for (const row of rows) {
    const group = groups[row.group_index];
    if (!group) continue;
    const cells = dayCells(totals.get(row.monitor_id) ?? [], now);
    const state = monitorState({
      enabled: row.enabled,
      lastUp: row.last_up,
      inMaintenance: inMaintenance.has(row.monitor_id),
      incidentImpact: impactOn.get(row.monitor_id) ?? "none",
    });
    const monitor: PublicMonitor = {
      id: idOf(row.monitor_id),
      name: row.display_name || row.name,
      state,
      component: componentStatus(state),
      days: cells,
      uptime: overallUptime(cells),
    };
    // What is checked, in words (a heartbeat has nothing to show: its URL is a secret).
    if (row.show_url && row.kind !== "heartbeat")
      monitor.url = targetWords({ kind: row.kind, url: row.url, kindSpec: row.kind_spec });
    if (page.show_response_times) {
      monitor.responseTimes = hourly.get(row.monitor_id) ?? new Array(24).fill(null);
    }
    group.monitors.push(monitor);
  }

  const active = incidents.filter((i) => i.resolvedAt === null);
  const states = groups.flatMap((g) => g.monitors.map((m) => m.state));
  return {
    slug: page.slug,
    title: page.title,
    description: page.description,
    logoUrl: page.logo_url,
    theme: page.theme === "light" || page.theme === "dark" ? page.theme : "auto",
    showResponseTimes: page.show_response_times,
    updatedAt: page.updated_at,
    renderedAt: now,
    // Incidents naming no monitor (the whole page) and pages without monitors still count.
    banner: pageBanner(
      states,
      active.map((i) => i.impact),
      pageMaintenance || maintenances.some((m) => m.active),
    ),
    groups: groups.filter((g) => g.monitors.length > 0),
    activeIncidents: active,
    resolvedIncidents: incidents.filter((i) => i.resolvedAt !== null),
    maintenances,
  };
}

function hourStart(now: Date): number {
  return Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
}

/** responseTimesByMonitor is each monitor's 24 hourly averages, oldest first. */
function responseTimesByMonitor(
  hours: readonly q.ListPublicPageHoursResult[],
  now: Date,
): Map<string, (number | null)[]> {
  const first = hourStart(now) - 23 * HOUR_MS;
  const out = new Map<string, (number | null)[]>();
  for (const h of hours) {
    const slot = Math.round((h.hour.getTime() - first) / HOUR_MS);
    if (slot < 0 || slot > 23 || h.responses <= 0) continue;
    const list = out.get(h.monitor_id) ?? new Array<number | null>(24).fill(null);
    list[slot] = h.total_ms_sum / h.responses;
    out.set(h.monitor_id, list);
  }
  return out;
}

/** updatesOf reads the json_agg of an incident's updates. */
function updatesOf(
  json: unknown,
): { id: string; status: string; message: string; createdAt: Date }[] {
  if (!Array.isArray(json)) return [];
  return json.map((u: { id: string; status: string; message: string; created_at: string }) => ({
    id: String(u.id),
    status: String(u.status),
    message: String(u.message),
    createdAt: new Date(u.created_at),
  }));
}

/**
 * windowOf is the window of a maintenance the page shows at now: the running one, else the
 * next within UPCOMING_DAYS; undefined when neither (ended, or far ahead). A row the schedule
 * cannot read (it was validated when written) is left out rather than failing the page.
 */
function windowOf(
  row: q.ListPublicPageMaintenancesResult,
  now: Date,
): { startsAt: Date; endsAt: Date | null; active: boolean } | undefined {
  const schedule: MaintenanceSchedule = {
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    recurrence: row.recurrence as Recurrence,
    timezone: row.timezone,
  };
  try {
    const running = activeAt(schedule, now);
    if (running)
      return { startsAt: running.startsAt, endsAt: finite(running.endsAt), active: true };
    const [next] = occurrences(schedule, now, new Date(now.getTime() + UPCOMING_DAYS * DAY_MS), 1);
    return next
      ? { startsAt: next.startsAt, endsAt: finite(next.endsAt), active: false }
      : undefined;
  } catch {
    return undefined;
  }
}

/** finite is an end that is a time; a window without an end has none (an open-ended one-off). */
function finite(date: Date): Date | null {
  return Number.isFinite(date.getTime()) ? date : null;
}
