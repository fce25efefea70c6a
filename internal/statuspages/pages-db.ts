import type pg from "pg";
import { AlreadyExistsError, InvalidArgumentError } from "../core/errors.js";
import { connection } from "../db/connection.js";
import type { Queryable } from "../db/pool.js";
import * as incidentQueries from "./incidents.queries.js";
import type { PageTheme, ResolvedPageGroup, ResolvedPageSpec } from "./page-input.js";
import * as q from "./pages.queries.js";

// Every function taking an orgId answers for that organization only: another organization's
// page is exactly as absent as one that does not exist. getPageBySlug and getPageByDomain are
// the public pages' way in, whoever's page it is.

/** StoredPage is a status page as stored, with its spec in page order. */
export interface StoredPage {
  id: string;
  orgId: string;
  spec: ResolvedPageSpec;
  createdAt: Date;
  updatedAt: Date;
}

/** NO_PAGE is an id no page has: the "other than this page" of a page not yet created. */
const NO_PAGE = "00000000-0000-0000-0000-000000000000";

type PageRow = q.GetOrgPageResult;

/**
 * insertPage stores a new page of the organization with its monitors and domains. Run it in a
 * transaction (the quota's): a slug or domain taken throws AlreadyExistsError and, the caller's
 * transaction rolling back, nothing is stored.
 */
export async function insertPage(
  tx: pg.PoolClient,
  orgId: string,
  spec: ResolvedPageSpec,
): Promise<StoredPage> {
  await requireFree(tx, NO_PAGE, spec);
  const [row] = await takenAsAlreadyExists(spec, () =>
    q.insertPage.run({ ...scalars(spec), orgId }, connection(tx)),
  );
  // INSERT ... RETURNING yields exactly one row or throws.
  if (!row) throw new Error("insertPage returned no row");
  await writeMembers(tx, orgId, row.id, spec);
  return { id: row.id, orgId, spec, createdAt: row.created_at, updatedAt: row.updated_at };
}

/**
 * replacePage replaces the spec of the organization's page (its groups and domains with it),
 * in the caller's transaction; undefined when the organization has no such page.
 */
export async function replacePage(
  tx: pg.PoolClient,
  orgId: string,
  id: string,
  spec: ResolvedPageSpec,
): Promise<StoredPage | undefined> {
  // Whose page it is first: another organization's id answers the same whatever the spec says.
  const [page] = await incidentQueries.lockOrgPage.run({ pageId: id, orgId }, connection(tx));
  if (!page) return undefined;
  await requireFree(tx, id, spec);
  const [row] = await takenAsAlreadyExists(spec, () =>
    q.updatePage.run({ ...scalars(spec), id, orgId }, connection(tx)),
  );
  if (!row) return undefined;
  await q.deletePageMonitors.run({ pageId: id }, connection(tx));
  await q.deletePageDomains.run({ pageId: id }, connection(tx));
  await writeMembers(tx, orgId, id, spec);
  return { id, orgId, spec, createdAt: row.created_at, updatedAt: row.updated_at };
}

/**
 * deletePage deletes the organization's page and all of its incidents; it answers the page's
 * slug, or undefined when there was no such page.
 */
export async function deletePage(
  db: Queryable,
  orgId: string,
  id: string,
): Promise<string | undefined> {
  return (await q.deleteOrgPage.run({ id, orgId }, connection(db)))[0]?.slug;
}

/** getPageSlug is the slug of the organization's page, or undefined. */
export async function getPageSlug(
  db: Queryable,
  orgId: string,
  id: string,
): Promise<string | undefined> {
  return (await q.getOrgPageSlug.run({ id, orgId }, connection(db)))[0]?.slug;
}

/** getPage is the organization's page, or undefined. */
export async function getPage(
  db: Queryable,
  orgId: string,
  id: string,
): Promise<StoredPage | undefined> {
  return (await withMembers(db, await q.getOrgPage.run({ id, orgId }, connection(db))))[0];
}

/** listPages is the organization's pages, oldest first. */
export async function listPages(db: Queryable, orgId: string): Promise<StoredPage[]> {
  return withMembers(db, await q.listOrgPages.run({ orgId }, connection(db)));
}

/** getPageBySlug is the page public at /status/<slug>, whoever's it is, or undefined. */
export async function getPageBySlug(db: Queryable, slug: string): Promise<StoredPage | undefined> {
  return (await withMembers(db, await q.getPageBySlug.run({ slug }, connection(db))))[0];
}

/**
 * getPageByDomain is the page served at the host name `domain` (a request's Host header,
 * without its port), whoever's it is, or undefined. Domains are stored lower case.
 */
export async function getPageByDomain(
  db: Queryable,
  domain: string,
): Promise<StoredPage | undefined> {
  const rows = await q.getPageByDomain.run({ domain: domain.toLowerCase() }, connection(db));
  return (await withMembers(db, rows))[0];
}

/**
 * requireOrgMonitors throws naming the first monitor of spec that is not one of the
 * organization's (unknown, or another organization's: the same answer).
 */
export async function requireOrgMonitors(
  db: Queryable,
  orgId: string,
  spec: ResolvedPageSpec,
): Promise<void> {
  const ids = spec.groups.flatMap((group) => group.monitors.map((m) => m.monitorId));
  if (ids.length === 0) return;
  const owned = new Set(
    (await q.filterOrgMonitorIds.run({ orgId, ids }, connection(db))).map((row) => row.id),
  );
  spec.groups.forEach((group, g) => {
    group.monitors.forEach((monitor, m) => {
      if (!owned.has(monitor.monitorId)) {
        throw new InvalidArgumentError(
          `page.groups[${g}].monitors[${m}].monitorId`,
          "names no monitor of this organization",
        );
      }
    });
  });
}

/** filterOrgMonitorIds returns which of ids are monitors of the organization. */
export async function filterOrgMonitorIds(
  db: Queryable,
  orgId: string,
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await q.filterOrgMonitorIds.run({ orgId, ids: [...ids] }, connection(db));
  return rows.map((row) => row.id);
}

const scalars = (spec: ResolvedPageSpec) => ({
  slug: spec.slug,
  title: spec.title,
  description: spec.description,
  logoUrl: spec.logoUrl,
  theme: spec.theme,
  showResponseTimes: spec.showResponseTimes,
  groupNames: spec.groups.map((group) => group.name),
});

/**
 * requireFree names the first of the spec's slug and domains another page holds. The unique
 * indexes decide in the end (two requests at once: takenAsAlreadyExists); this names the field.
 */
async function requireFree(db: Queryable, pageId: string, spec: ResolvedPageSpec): Promise<void> {
  const [slug] = await q.findTakenSlug.run({ slug: spec.slug, pageId }, connection(db));
  if (slug?.taken) throw new AlreadyExistsError("page.slug", `"${spec.slug}" is taken`);
  if (spec.domains.length === 0) return;
  const taken = await q.findTakenDomains.run({ domains: spec.domains, pageId }, connection(db));
  const first = spec.domains.find((domain) => taken.some((row) => row.domain === domain));
  if (first !== undefined) {
    throw new AlreadyExistsError(
      `page.domains[${spec.domains.indexOf(first)}]`,
      `"${first}" is taken by another status page`,
    );
  }
}

/** takenAsAlreadyExists turns a unique violation of the slug or a domain into AlreadyExistsError. */
async function takenAsAlreadyExists<T>(
  spec: ResolvedPageSpec,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code === "23505" && constraint === "status_pages_slug_key") {
      throw new AlreadyExistsError("page.slug", `"${spec.slug}" is taken`);
    }
    if (code === "23505" && constraint === "status_page_domains_pkey") {
      throw new AlreadyExistsError("page.domains", "name a domain another status page has");
    }
    throw error;
  }
}

async function writeMembers(
  tx: pg.PoolClient,
  orgId: string,
  pageId: string,
  spec: ResolvedPageSpec,
): Promise<void> {
  const rows = spec.groups.flatMap((group, groupIndex) =>
    group.monitors.map((monitor, position) => ({ ...monitor, groupIndex, position })),
  );
  if (rows.length > 0) {
    await q.insertPageMonitors.run(
      {
        pageId,
        orgId,
        monitorIds: rows.map((r) => r.monitorId),
        groupIndexes: rows.map((r) => r.groupIndex),
        positions: rows.map((r) => r.position),
        displayNames: rows.map((r) => r.displayName),
        showUrls: rows.map((r) => r.showUrl),
      },
      connection(tx),
    );
  }
  if (spec.domains.length > 0) {
    await takenAsAlreadyExists(spec, () =>
      q.insertPageDomains.run({ pageId, domains: spec.domains }, connection(tx)),
    );
  }
}

/** withMembers reads the monitors and domains of the pages in rows, and assembles them. */
async function withMembers(db: Queryable, rows: PageRow[]): Promise<StoredPage[]> {
  if (rows.length === 0) return [];
  const pageIds = rows.map((row) => row.id);
  // One after the other: db may be a transaction's client, which runs one query at a time.
  const monitors = await q.listPagesMonitors.run({ pageIds }, connection(db));
  const domains = await q.listPagesDomains.run({ pageIds }, connection(db));
  return rows.map((row) => {
    const groups: ResolvedPageGroup[] = row.group_names.map((name) => ({ name, monitors: [] }));
    for (const monitor of monitors) {
      if (monitor.page_id !== row.id) continue;
      groups[monitor.group_index]?.monitors.push({
        monitorId: monitor.monitor_id,
        displayName: monitor.display_name,
        showUrl: monitor.show_url,
      });
    }
    return {
      id: row.id,
      orgId: row.org_id,
      spec: {
        slug: row.slug,
        title: row.title,
        description: row.description,
        logoUrl: row.logo_url,
        theme: row.theme as PageTheme,
        showResponseTimes: row.show_response_times,
        // A group whose every monitor was deleted is left out (a group holds at least one).
        groups: groups.filter((group) => group.monitors.length > 0),
        domains: domains.filter((d) => d.page_id === row.id).map((d) => d.domain),
      },
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  });
}
