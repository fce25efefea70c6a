import { StatusIncidentImpact, StatusIncidentStatus } from "../../gen/pulsar/v1/status_page_pb.js";
import { InvalidArgumentError } from "../core/errors.js";
import { requireText } from "../core/text-input.js";
import { requireUuid } from "../core/validate.js";
import { PAGE_LIMITS } from "./page-input.js";

/** IncidentStatusName is status_incidents.status (and status_incident_updates.status). */
export type IncidentStatusName = "investigating" | "identified" | "monitoring" | "resolved";

/** IncidentImpactName is status_incidents.impact. */
export type IncidentImpactName = "none" | "degraded" | "partial_outage" | "major_outage";

/** STATUS_NAMES maps the proto's statuses to the stored ones (UNSPECIFIED is not one). */
export const STATUS_NAMES: Readonly<Partial<Record<StatusIncidentStatus, IncidentStatusName>>> = {
  [StatusIncidentStatus.INVESTIGATING]: "investigating",
  [StatusIncidentStatus.IDENTIFIED]: "identified",
  [StatusIncidentStatus.MONITORING]: "monitoring",
  [StatusIncidentStatus.RESOLVED]: "resolved",
};

/** IMPACT_NAMES maps the proto's impacts to the stored ones (UNSPECIFIED is not one). */
export const IMPACT_NAMES: Readonly<Partial<Record<StatusIncidentImpact, IncidentImpactName>>> = {
  [StatusIncidentImpact.NONE]: "none",
  [StatusIncidentImpact.DEGRADED]: "degraded",
  [StatusIncidentImpact.PARTIAL_OUTAGE]: "partial_outage",
  [StatusIncidentImpact.MAJOR_OUTAGE]: "major_outage",
};

/** requireIncidentTitle is a title of 1–200 characters, one line. */
export function requireIncidentTitle(field: string, value: string): string {
  return requireText(field, value, { min: 1, max: 200 });
}

/** requireUpdateMessage is an update's text: 1–5000 characters, plain text. */
export function requireUpdateMessage(field: string, value: string): string {
  return requireText(field, value, { min: 1, max: 5000, multiline: true });
}

/** incidentStatus is the stored status of `value`; UNSPECIFIED is `fallback`, when given. */
export function incidentStatus(
  field: string,
  value: StatusIncidentStatus,
  fallback?: IncidentStatusName,
): IncidentStatusName {
  if (value === StatusIncidentStatus.UNSPECIFIED && fallback) return fallback;
  const name = STATUS_NAMES[value];
  if (!name) {
    throw new InvalidArgumentError(
      field,
      "must be INVESTIGATING, IDENTIFIED, MONITORING or RESOLVED",
    );
  }
  return name;
}

/** incidentImpact is the stored impact of `value`; UNSPECIFIED is `fallback`. */
export function incidentImpact(
  field: string,
  value: StatusIncidentImpact,
  fallback: IncidentImpactName | "",
): IncidentImpactName | "" {
  if (value === StatusIncidentImpact.UNSPECIFIED) return fallback;
  const name = IMPACT_NAMES[value];
  if (!name) {
    throw new InvalidArgumentError(field, "must be NONE, DEGRADED, PARTIAL_OUTAGE or MAJOR_OUTAGE");
  }
  return name;
}

/**
 * requireIncidentMonitorIds checks the shape of an incident's monitors (UUIDs, none twice, no
 * more than a page holds); whether they are on the page is for incidents-db.ts to say.
 */
export function requireIncidentMonitorIds(field: string, ids: readonly string[]): string[] {
  if (ids.length > PAGE_LIMITS.monitors) {
    throw new InvalidArgumentError(field, `has ${ids.length} ids; at most ${PAGE_LIMITS.monitors}`);
  }
  const seen = new Set<string>();
  return ids.map((value, i) => {
    const id = requireUuid(`${field}[${i}]`, value);
    if (seen.has(id)) throw new InvalidArgumentError(`${field}[${i}]`, "is listed twice");
    seen.add(id);
    return id;
  });
}
