// Status pages and what they show, written straight into the tables: the public pages' tests
// and benchmark build pages without going through StatusPageService. Not imported by
// production code.
import type { Queryable } from "../../internal/db/pool.js";

// Monitors are written by the helper every reader's tests share.
export { insertMonitorRow } from "./monitor-rows.js";

/** setMonitorState sets a monitor's last check (up, down, or never: null). */
export async function setMonitorState(
  db: Queryable,
  monitorId: string,
  lastUp: boolean | null,
  lastResult: unknown = null,
): Promise<void> {
  await db.query(
    `UPDATE monitor_state SET last_up = $2, last_checked_at = CASE WHEN $2::boolean IS NULL THEN NULL ELSE now() END,
       last_result = $3 WHERE monitor_id = $1`,
    [monitorId, lastUp, lastResult === null ? null : JSON.stringify(lastResult)],
  );
}

/** StatusPageFixture is a page as the tests write it. */
export interface StatusPageFixture {
  orgId: string;
  slug: string;
  title?: string;
  description?: string;
  logoUrl?: string;
  theme?: "auto" | "light" | "dark";
  showResponseTimes?: boolean;
  groups: {
    name: string;
    monitors: { monitorId: string; displayName?: string; showUrl?: boolean }[];
  }[];
  domains?: string[];
}

/** insertStatusPage writes a page with its groups and domains and returns its id. */
export async function insertStatusPage(db: Queryable, p: StatusPageFixture): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO status_pages (org_id, slug, title, description, logo_url, theme, show_response_times, group_names)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      p.orgId,
      p.slug,
      p.title ?? "Acme status",
      p.description ?? "",
      p.logoUrl ?? "",
      p.theme ?? "auto",
      p.showResponseTimes ?? false,
      p.groups.map((g) => g.name),
    ],
  );
  const pageId = rows[0]?.id ?? "";
  for (const [groupIndex, group] of p.groups.entries()) {
    for (const [position, m] of group.monitors.entries()) {
      await db.query(
        `INSERT INTO status_page_monitors (page_id, monitor_id, group_index, position, display_name, show_url)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [pageId, m.monitorId, groupIndex, position, m.displayName ?? "", m.showUrl ?? false],
      );
    }
  }
  for (const domain of p.domains ?? []) {
    await db.query("INSERT INTO status_page_domains (domain, page_id) VALUES ($1, $2)", [
      domain,
      pageId,
    ]);
  }
  return pageId;
}

/** insertStatusIncident writes an incident on a page with its updates (oldest first). */
export async function insertStatusIncident(
  db: Queryable,
  pageId: string,
  i: {
    title: string;
    impact: "none" | "degraded" | "partial_outage" | "major_outage";
    monitorIds?: string[];
    updates: { status: string; message: string; at?: Date }[];
    resolvedAt?: Date;
    createdAt?: Date;
  },
): Promise<string> {
  const last = i.updates[i.updates.length - 1]?.status ?? "investigating";
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO status_incidents (page_id, title, impact, monitor_ids, status, created_at, resolved_at)
     VALUES ($1, $2, $3, $4, $5, COALESCE($6, now()), $7) RETURNING id`,
    [
      pageId,
      i.title,
      i.impact,
      i.monitorIds ?? [],
      last,
      i.createdAt ?? null,
      i.resolvedAt ?? null,
    ],
  );
  const id = rows[0]?.id ?? "";
  for (const [n, u] of i.updates.entries()) {
    await db.query(
      `INSERT INTO status_incident_updates (incident_id, status, message, created_at)
       VALUES ($1, $2, $3, COALESCE($4, now() + make_interval(secs => $5)))`,
      [id, u.status, u.message, u.at ?? null, n / 1000],
    );
  }
  return id;
}

/** insertMaintenance writes a one-off (or recurring) maintenance window. */
export async function insertMaintenance(
  db: Queryable,
  orgId: string,
  m: {
    title: string;
    description?: string;
    monitorIds?: string[];
    statusPageIds?: string[];
    startsAt: Date;
    endsAt: Date | null;
    recurrence?: unknown;
    timezone?: string;
  },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO maintenances (org_id, title, description, monitor_ids, status_page_ids, starts_at, ends_at, recurrence, timezone)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      orgId,
      m.title,
      m.description ?? "",
      m.monitorIds ?? [],
      m.statusPageIds ?? [],
      m.startsAt,
      m.endsAt,
      m.recurrence === undefined ? null : JSON.stringify(m.recurrence),
      m.timezone ?? "UTC",
    ],
  );
  return rows[0]?.id ?? "";
}

/**
 * insertRollups fills check_rollups_hourly for monitorIds over the last `days` days, every hour:
 * `checks` checks, a failure every failEvery-th hour (0: none), responses with totalMs each.
 * One statement per call, so a benchmark's 100 × 90 × 24 rows take a moment.
 */
export async function insertRollups(
  db: Queryable,
  monitorIds: string[],
  o: { days: number; checks?: number; failEvery?: number; totalMs?: number },
): Promise<void> {
  await db.query(
    `INSERT INTO check_rollups_hourly (monitor_id, hour, checks, failures, responses, total_ms_sum)
     SELECT m, h, $3::int,
       CASE WHEN $4::int > 0 AND (extract(epoch FROM h)::bigint / 3600) % $4::int = 0 THEN 1 ELSE 0 END,
       $3::int, $3::int * $5::float8 * (1 + (extract(epoch FROM h)::bigint / 3600 % 7) / 10.0)
     FROM unnest($1::uuid[]) AS m,
       generate_series(date_trunc('hour', now()) - make_interval(days => $2::int) + interval '1 hour',
         date_trunc('hour', now()), interval '1 hour') AS h
     ON CONFLICT (monitor_id, hour) DO NOTHING`,
    [monitorIds, o.days, o.checks ?? 60, o.failEvery ?? 0, o.totalMs ?? 120],
  );
}
