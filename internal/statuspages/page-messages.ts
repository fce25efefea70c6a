import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type StatusIncident,
  StatusIncidentImpact,
  StatusIncidentSchema,
  StatusIncidentStatus,
  type StatusPage,
  StatusPageSchema,
  StatusPageTheme,
} from "../../gen/pulsar/v1/status_page_pb.js";
import type { IncidentImpactName, IncidentStatusName } from "./incident-input.js";
import type { StoredIncident } from "./incidents-db.js";
import type { PageTheme } from "./page-input.js";
import type { StoredPage } from "./pages-db.js";

const THEMES: Readonly<Record<PageTheme, StatusPageTheme>> = {
  auto: StatusPageTheme.AUTO,
  light: StatusPageTheme.LIGHT,
  dark: StatusPageTheme.DARK,
};

const STATUSES: Readonly<Record<IncidentStatusName, StatusIncidentStatus>> = {
  investigating: StatusIncidentStatus.INVESTIGATING,
  identified: StatusIncidentStatus.IDENTIFIED,
  monitoring: StatusIncidentStatus.MONITORING,
  resolved: StatusIncidentStatus.RESOLVED,
};

const IMPACTS: Readonly<Record<IncidentImpactName, StatusIncidentImpact>> = {
  none: StatusIncidentImpact.NONE,
  degraded: StatusIncidentImpact.DEGRADED,
  partial_outage: StatusIncidentImpact.PARTIAL_OUTAGE,
  major_outage: StatusIncidentImpact.MAJOR_OUTAGE,
};

/** publicPathOf is where a page is public: /status/<slug>. */
export const publicPathOf = (slug: string): string => `/status/${slug}`;

/** statusPageOf is a stored page as StatusPageService answers it. */
export function statusPageOf(page: StoredPage): StatusPage {
  const { spec } = page;
  return create(StatusPageSchema, {
    id: page.id,
    spec: {
      slug: spec.slug,
      title: spec.title,
      description: spec.description,
      logoUrl: spec.logoUrl,
      theme: THEMES[spec.theme],
      groups: spec.groups.map((group) => ({ name: group.name, monitors: group.monitors })),
      domains: spec.domains,
      showResponseTimes: spec.showResponseTimes,
    },
    createdAt: timestampFromDate(page.createdAt),
    updatedAt: timestampFromDate(page.updatedAt),
    publicPath: publicPathOf(spec.slug),
  });
}

/** statusIncidentOf is a stored incident as StatusPageService answers it. */
export function statusIncidentOf(incident: StoredIncident): StatusIncident {
  return create(StatusIncidentSchema, {
    id: incident.id,
    pageId: incident.pageId,
    title: incident.title,
    impact: IMPACTS[incident.impact],
    monitorIds: incident.monitorIds,
    status: STATUSES[incident.status],
    updates: incident.updates.map((update) => ({
      id: update.id,
      status: STATUSES[update.status],
      message: update.message,
      createdAt: timestampFromDate(update.createdAt),
    })),
    createdAt: timestampFromDate(incident.createdAt),
    resolvedAt: incident.resolvedAt && timestampFromDate(incident.resolvedAt),
  });
}
