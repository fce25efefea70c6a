import type { Banner, ComponentStatus, PublicIncident, PublicPage } from "./model.js";
import { BANNER_TEXT } from "./page-status.js";

// The page as status aggregators read it: the shape of Atlassian Statuspage's
// /api/v2/summary.json (page, status, components, incidents, scheduled_maintenances). Ids are
// page-local hashes (public-ids.ts), never the rows' uuids.

const INDICATOR: Record<Banner, string> = {
  operational: "none",
  degraded: "minor",
  partial_outage: "major",
  major_outage: "critical",
  maintenance: "maintenance",
};

const INCIDENT_IMPACT: Record<string, string> = {
  none: "none",
  degraded: "minor",
  partial_outage: "major",
  major_outage: "critical",
};

/** renderSummary is the page's summary.json; url is the page's public address. */
export function renderSummary(page: PublicPage, url: string): string {
  const updatedAt = page.renderedAt.toISOString();
  const components: Record<string, unknown>[] = [];
  let position = 0;
  for (const group of page.groups) {
    components.push({
      id: group.id,
      name: group.name,
      status: worst(group.monitors.map((m) => m.component)),
      position: ++position,
      description: null,
      group: true,
      group_id: null,
      components: group.monitors.map((m) => m.id),
      only_show_if_degraded: false,
      updated_at: updatedAt,
    });
    for (const m of group.monitors) {
      components.push({
        id: m.id,
        name: m.name,
        status: m.component,
        position: ++position,
        description: null,
        group: false,
        group_id: group.id,
        only_show_if_degraded: false,
        updated_at: updatedAt,
      });
    }
  }
  const summary = {
    page: { id: page.slug, name: page.title, url, time_zone: "Etc/UTC", updated_at: updatedAt },
    status: { indicator: INDICATOR[page.banner], description: BANNER_TEXT[page.banner] },
    components,
    incidents: page.activeIncidents.map((i) => incident(i, page.slug)),
    scheduled_maintenances: page.maintenances.map((m) => ({
      id: m.id,
      name: m.title,
      status: m.active ? "in_progress" : "scheduled",
      impact: "maintenance",
      created_at: m.updatedAt.toISOString(),
      updated_at: m.updatedAt.toISOString(),
      scheduled_for: m.startsAt.toISOString(),
      scheduled_until: m.endsAt?.toISOString() ?? null,
      page_id: page.slug,
      incident_updates: m.description
        ? [
            {
              id: `${m.id}-0`,
              status: m.active ? "in_progress" : "scheduled",
              body: m.description,
              created_at: m.updatedAt.toISOString(),
              updated_at: m.updatedAt.toISOString(),
              display_at: m.updatedAt.toISOString(),
            },
          ]
        : [],
      components: m.affectedIds.map((id, k) => ({ id, name: m.affected[k] ?? "" })),
    })),
  };
  return JSON.stringify(summary);
}

function incident(i: PublicIncident, pageId: string): Record<string, unknown> {
  const newest = i.updates[0]?.createdAt ?? i.createdAt;
  const monitoring = i.updates.find((u) => u.status === "monitoring");
  return {
    id: i.id,
    name: i.title,
    status: i.status,
    impact: INCIDENT_IMPACT[i.impact] ?? "none",
    created_at: i.createdAt.toISOString(),
    updated_at: newest.toISOString(),
    started_at: i.createdAt.toISOString(),
    monitoring_at: monitoring?.createdAt.toISOString() ?? null,
    resolved_at: i.resolvedAt?.toISOString() ?? null,
    page_id: pageId,
    incident_updates: i.updates.map((u) => ({
      id: u.id,
      status: u.status,
      body: u.message,
      incident_id: i.id,
      created_at: u.createdAt.toISOString(),
      updated_at: u.createdAt.toISOString(),
      display_at: u.createdAt.toISOString(),
    })),
    components: i.affectedIds.map((id, k) => ({ id, name: i.affected[k] ?? "" })),
  };
}

const RANK: ComponentStatus[] = [
  "operational",
  "under_maintenance",
  "degraded_performance",
  "partial_outage",
  "major_outage",
];

/** worst is a group's status: the worst of its monitors'. */
function worst(statuses: readonly ComponentStatus[]): ComponentStatus {
  let index = 0;
  for (const s of statuses) index = Math.max(index, RANK.indexOf(s));
  return RANK[index] ?? "operational";
}
