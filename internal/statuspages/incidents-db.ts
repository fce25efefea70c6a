import type pg from "pg";
import { InvalidArgumentError, ResourceExhaustedError } from "../core/errors.js";
import { connection } from "../db/connection.js";
import type { Queryable } from "../db/pool.js";
import { withTransaction } from "../db/transaction.js";
import type { IncidentImpactName, IncidentStatusName } from "./incident-input.js";
import * as q from "./incidents.queries.js";
import * as pages from "./pages.queries.js";

// Incidents an organization writes on its pages. Every function taking an orgId reaches the
// incident through its page's organization: another organization's incident or page is
// exactly as absent as one that does not exist (undefined or false, the service says
// not_found). listPageIncidents is the public pages' way in.

/** INCIDENT_LIMITS bound what one page keeps, so neither a page nor its listing grows unbounded. */
export const INCIDENT_LIMITS = {
  /** Incidents not resolved on one page at once. */
  openPerPage: 50,
  /** Incidents one page keeps, resolved or not (delete old ones to add more). */
  perPage: 1000,
  /** Updates of one incident. */
  updatesPerIncident: 100,
  /**
   * Characters of update messages one listing carries: past them it stops (always listing one
   * incident), so at most ~1 MB of text answers one request however much was written.
   */
  listedChars: 1_000_000,
} as const;

/** StoredIncidentUpdate is one step of an incident. */
export interface StoredIncidentUpdate {
  id: string;
  status: IncidentStatusName;
  message: string;
  createdAt: Date;
}

/** StoredIncident is an incident written on a page, its updates newest first. */
export interface StoredIncident {
  id: string;
  pageId: string;
  title: string;
  impact: IncidentImpactName;
  monitorIds: string[];
  status: IncidentStatusName;
  updates: StoredIncidentUpdate[];
  createdAt: Date;
  resolvedAt: Date | undefined;
}

/** NewIncident is a validated CreateStatusIncident. */
export interface NewIncident {
  pageId: string;
  title: string;
  impact: IncidentImpactName;
  monitorIds: string[];
  status: IncidentStatusName;
  message: string;
}

/** IncidentChange is a validated UpdateStatusIncident: '' and undefined leave a field alone. */
export interface IncidentChange {
  title: string;
  impact: IncidentImpactName | "";
  monitorIds: string[] | undefined;
}

/**
 * createIncident posts an incident with its first update on the organization's page;
 * undefined when the organization has no such page. Its monitors must be on the page.
 */
export async function createIncident(
  pool: Pick<pg.Pool, "connect">,
  orgId: string,
  incident: NewIncident,
): Promise<StoredIncident | undefined> {
  return withTransaction(pool, async (tx) => {
    const [page] = await q.lockOrgPage.run({ pageId: incident.pageId, orgId }, connection(tx));
    if (!page) return undefined;
    requireOnPage("monitorIds", incident.monitorIds, page.monitor_ids);
    const [counts] = await q.countPageIncidents.run({ pageId: page.id }, connection(tx));
    if ((counts?.total ?? 0) >= INCIDENT_LIMITS.perPage) {
      throw new ResourceExhaustedError(
        `this page has reached its limit of ${INCIDENT_LIMITS.perPage} incidents; delete old ones first`,
      );
    }
    if (incident.status !== "resolved") requireOpenPlace(counts?.open ?? 0);
    const [row] = await q.insertIncident.run(
      {
        pageId: page.id,
        title: incident.title,
        impact: incident.impact,
        monitorIds: incident.monitorIds,
        status: incident.status,
      },
      connection(tx),
    );
    if (!row) throw new Error("insertIncident returned no row");
    await q.insertIncidentUpdate.run(
      { incidentId: row.id, status: incident.status, message: incident.message },
      connection(tx),
    );
    return readIncident(tx, row.id);
  });
}

/**
 * addIncidentUpdate adds a step to the organization's incident: RESOLVED resolves it, any
 * other status reopens a resolved one. Undefined when there is no such incident.
 */
export async function addIncidentUpdate(
  pool: Pick<pg.Pool, "connect">,
  orgId: string,
  id: string,
  update: { status: IncidentStatusName; message: string },
): Promise<StoredIncident | undefined> {
  return withTransaction(pool, async (tx) => {
    const [incident] = await q.lockOrgIncident.run({ id, orgId }, connection(tx));
    if (!incident) return undefined;
    if (incident.updates >= INCIDENT_LIMITS.updatesPerIncident) {
      throw new ResourceExhaustedError(
        `this incident has reached its limit of ${INCIDENT_LIMITS.updatesPerIncident} updates; post a new incident`,
      );
    }
    if (incident.resolved_at !== null && update.status !== "resolved") {
      const [counts] = await q.countPageIncidents.run({ pageId: incident.page_id }, connection(tx));
      requireOpenPlace(counts?.open ?? 0);
    }
    await q.insertIncidentUpdate.run({ incidentId: id, ...update }, connection(tx));
    await q.setIncidentStatus.run({ id, status: update.status }, connection(tx));
    return readIncident(tx, id);
  });
}

/** updateIncident changes the title, impact or monitors of the organization's incident. */
export async function updateIncident(
  pool: Pick<pg.Pool, "connect">,
  orgId: string,
  id: string,
  change: IncidentChange,
): Promise<StoredIncident | undefined> {
  return withTransaction(pool, async (tx) => {
    const [incident] = await q.lockOrgIncident.run({ id, orgId }, connection(tx));
    if (!incident) return undefined;
    if (change.monitorIds)
      requireOnPage("monitorIds", change.monitorIds, incident.page_monitor_ids);
    await q.updateIncidentFields.run(
      {
        id,
        title: change.title,
        impact: change.impact,
        replaceMonitors: change.monitorIds !== undefined,
        monitorIds: change.monitorIds ?? [],
      },
      connection(tx),
    );
    return readIncident(tx, id);
  });
}

/**
 * deleteIncident deletes the organization's incident and its updates; it answers the slug of
 * the incident's page, or undefined when there was no such incident.
 */
export async function deleteIncident(
  db: Queryable,
  orgId: string,
  id: string,
): Promise<string | undefined> {
  return (await q.deleteOrgIncident.run({ id, orgId }, connection(db)))[0]?.slug;
}

/**
 * listOrgPageIncidents lists the incidents of the organization's page (listPageIncidents);
 * undefined when the organization has no such page.
 */
export async function listOrgPageIncidents(
  db: Queryable,
  orgId: string,
  pageId: string,
  limit: number,
): Promise<StoredIncident[] | undefined> {
  const [page] = await pages.getOrgPage.run({ id: pageId, orgId }, connection(db));
  if (!page) return undefined;
  return listPageIncidents(db, pageId, limit);
}

/**
 * listPageIncidents lists a page's incidents, whoever's page it is: open ones first, then
 * newest first, at most `limit`, and fewer when their updates pass INCIDENT_LIMITS.listedChars.
 */
export async function listPageIncidents(
  db: Queryable,
  pageId: string,
  limit: number,
): Promise<StoredIncident[]> {
  const rows = await q.listPageIncidents.run(
    { pageId, limit, maxChars: INCIDENT_LIMITS.listedChars },
    connection(db),
  );
  return withUpdates(db, rows);
}

function requireOpenPlace(open: number): void {
  if (open >= INCIDENT_LIMITS.openPerPage) {
    throw new ResourceExhaustedError(
      `this page has reached its limit of ${INCIDENT_LIMITS.openPerPage} open incidents; resolve some first`,
    );
  }
}

/** requireOnPage throws naming the first id that is not a monitor on the page. */
function requireOnPage(field: string, ids: readonly string[], onPage: readonly string[]): void {
  const page = new Set(onPage);
  const i = ids.findIndex((id) => !page.has(id));
  if (i >= 0) throw new InvalidArgumentError(`${field}[${i}]`, "is not a monitor on this page");
}

async function readIncident(db: Queryable, id: string): Promise<StoredIncident> {
  const [incident] = await withUpdates(db, await q.getIncidents.run({ ids: [id] }, connection(db)));
  if (!incident) throw new Error(`incident ${id} vanished inside its transaction`);
  return incident;
}

async function withUpdates(db: Queryable, rows: q.GetIncidentsResult[]): Promise<StoredIncident[]> {
  if (rows.length === 0) return [];
  const updates = await q.listIncidentsUpdates.run(
    { incidentIds: rows.map((row) => row.id) },
    connection(db),
  );
  const byIncident = new Map<string, StoredIncidentUpdate[]>();
  for (const update of updates) {
    const list = byIncident.get(update.incident_id) ?? [];
    list.push({
      id: update.id,
      status: update.status as IncidentStatusName,
      message: update.message,
      createdAt: update.created_at,
    });
    byIncident.set(update.incident_id, list);
  }
  return rows.map((row) => ({
    id: row.id,
    pageId: row.page_id,
    title: row.title,
    impact: row.impact as IncidentImpactName,
    monitorIds: row.monitor_ids,
    status: row.status as IncidentStatusName,
    updates: byIncident.get(row.id) ?? [],
    createdAt: row.created_at,
    resolvedAt: row.resolved_at ?? undefined,
  }));
}
