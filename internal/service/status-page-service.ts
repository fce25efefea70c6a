import type { ServiceImpl } from "@connectrpc/connect";
import type pg from "pg";
import type { StatusPageService } from "../../gen/pulsar/v1/status_page_pb.js";
import { getCaller } from "../auth/caller.js";
import { NotFoundError } from "../core/errors.js";
import { pageSize, requireUuid } from "../core/validate.js";
import { withTransaction } from "../db/transaction.js";
import { DEFAULT_ORG_QUOTAS, insertWithinQuota, type OrgQuotas } from "../quota/org-quotas.js";
import {
  incidentImpact,
  incidentStatus,
  requireIncidentMonitorIds,
  requireIncidentTitle,
  requireUpdateMessage,
} from "../statuspages/incident-input.js";
import * as incidents from "../statuspages/incidents-db.js";
import { type PageRules, resolvePageSpec } from "../statuspages/page-input.js";
import { statusIncidentOf, statusPageOf } from "../statuspages/page-messages.js";
import * as pages from "../statuspages/pages-db.js";

/** StatusPageServiceDeps are what the status page RPCs use. */
export interface StatusPageServiceDeps {
  pool: pg.Pool;
  /** How many pages an organization may hold; DEFAULT_ORG_QUOTAS when absent. */
  quotas?: Pick<OrgQuotas, "statusPages">;
  /** What the installation adds to a page's rules (its own host name is no page's domain). */
  pageRules?: PageRules;
  /**
   * Told the slugs whose public rendering a call made stale (the page changed, was deleted, or
   * one of its incidents changed), after the change is committed: the public pages of this
   * process forget them, so the change shows at once here (other API processes within their
   * cache's lifetime).
   */
  onPagesChanged?: (slugs: string[]) => void;
}

/** LIST_INCIDENTS_MAX bounds ListStatusIncidents' limit (status_page.proto). */
const LIST_INCIDENTS_MAX = 200;

/**
 * createStatusPageService implements pulsar.v1.StatusPageService: the organization's public
 * pages and the incidents written on them. Everything is scoped to the caller's organization;
 * another organization's page or incident answers not_found like an unknown one, and another
 * organization's monitor is invalid like a missing one. Slugs and domains are unique on the
 * installation: a taken one is already_exists, without saying whose it is.
 */
export function createStatusPageService(
  deps: StatusPageServiceDeps,
): ServiceImpl<typeof StatusPageService> {
  const { pool } = deps;
  const quotas = { ...DEFAULT_ORG_QUOTAS, ...deps.quotas };
  const pageNotFound = (id: string) => new NotFoundError(`status page ${id} not found`);
  const incidentNotFound = (id: string) => new NotFoundError(`status incident ${id} not found`);
  const changed = (...slugs: (string | undefined)[]) => {
    const known = slugs.filter((slug): slug is string => slug !== undefined);
    if (known.length > 0) deps.onPagesChanged?.(known);
  };
  const pageChanged = async (orgId: string, pageId: string) =>
    changed(await pages.getPageSlug(pool, orgId, pageId));

  return {
    async createStatusPage(req, ctx) {
      const spec = resolvePageSpec(req.page, deps.pageRules);
      const orgId = getCaller(ctx).orgId;
      await pages.requireOrgMonitors(pool, orgId, spec);
      const stored = await insertWithinQuota(
        pool,
        { orgId, kind: "statusPages", limit: quotas.statusPages },
        (tx) => pages.insertPage(tx, orgId, spec),
      );
      return { page: statusPageOf(stored) };
    },
    async updateStatusPage(req, ctx) {
      const id = requireUuid("id", req.id);
      const spec = resolvePageSpec(req.page, deps.pageRules);
      const orgId = getCaller(ctx).orgId;
      await pages.requireOrgMonitors(pool, orgId, spec);
      const before = await pages.getPageSlug(pool, orgId, id);
      const stored = await withTransaction(pool, (tx) => pages.replacePage(tx, orgId, id, spec));
      if (!stored) throw pageNotFound(id);
      changed(before, stored.spec.slug);
      return { page: statusPageOf(stored) };
    },
    async deleteStatusPage(req, ctx) {
      const id = requireUuid("id", req.id);
      const slug = await pages.deletePage(pool, getCaller(ctx).orgId, id);
      if (slug === undefined) throw pageNotFound(id);
      changed(slug);
      return {};
    },
    async getStatusPage(req, ctx) {
      const id = requireUuid("id", req.id);
      const page = await pages.getPage(pool, getCaller(ctx).orgId, id);
      if (!page) throw pageNotFound(id);
      return { page: statusPageOf(page) };
    },
    async listStatusPages(_req, ctx) {
      return { pages: (await pages.listPages(pool, getCaller(ctx).orgId)).map(statusPageOf) };
    },
    async createStatusIncident(req, ctx) {
      const pageId = requireUuid("pageId", req.pageId);
      const incident = {
        pageId,
        title: requireIncidentTitle("title", req.title),
        // Unset: NONE, shown without changing the banner (the least alarming).
        impact: incidentImpact("impact", req.impact, "none") || "none",
        monitorIds: requireIncidentMonitorIds("monitorIds", req.monitorIds),
        status: incidentStatus("status", req.status, "investigating"),
        message: requireUpdateMessage("message", req.message),
      };
      const orgId = getCaller(ctx).orgId;
      const stored = await incidents.createIncident(pool, orgId, incident);
      if (!stored) throw pageNotFound(pageId);
      await pageChanged(orgId, stored.pageId);
      return { incident: statusIncidentOf(stored) };
    },
    async addStatusIncidentUpdate(req, ctx) {
      const id = requireUuid("incidentId", req.incidentId);
      const update = {
        status: incidentStatus("status", req.status),
        message: requireUpdateMessage("message", req.message),
      };
      const orgId = getCaller(ctx).orgId;
      const stored = await incidents.addIncidentUpdate(pool, orgId, id, update);
      if (!stored) throw incidentNotFound(id);
      await pageChanged(orgId, stored.pageId);
      return { incident: statusIncidentOf(stored) };
    },
    async updateStatusIncident(req, ctx) {
      const id = requireUuid("id", req.id);
      const change = {
        title: req.title === undefined ? "" : requireIncidentTitle("title", req.title),
        impact: incidentImpact("impact", req.impact, ""),
        monitorIds: req.updateMonitors
          ? requireIncidentMonitorIds("monitorIds", req.monitorIds)
          : undefined,
      };
      const orgId = getCaller(ctx).orgId;
      const stored = await incidents.updateIncident(pool, orgId, id, change);
      if (!stored) throw incidentNotFound(id);
      await pageChanged(orgId, stored.pageId);
      return { incident: statusIncidentOf(stored) };
    },
    async deleteStatusIncident(req, ctx) {
      const id = requireUuid("id", req.id);
      const slug = await incidents.deleteIncident(pool, getCaller(ctx).orgId, id);
      if (slug === undefined) throw incidentNotFound(id);
      changed(slug);
      return {};
    },
    async listStatusIncidents(req, ctx) {
      const pageId = requireUuid("pageId", req.pageId);
      const limit = pageSize("limit", req.limit, 50, LIST_INCIDENTS_MAX);
      const listed = await incidents.listOrgPageIncidents(
        pool,
        getCaller(ctx).orgId,
        pageId,
        limit,
      );
      if (!listed) throw pageNotFound(pageId);
      return { incidents: listed.map(statusIncidentOf) };
    },
  };
}
