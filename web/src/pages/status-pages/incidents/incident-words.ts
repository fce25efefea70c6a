import {
  StatusIncidentImpact,
  StatusIncidentStatus,
} from "../../../../../gen/pulsar/v1/status_page_pb";

/** STATUSES are an incident's steps in the order they usually come, as the forms offer them. */
export const STATUSES = [
  { value: String(StatusIncidentStatus.INVESTIGATING), label: "Investigating" },
  { value: String(StatusIncidentStatus.IDENTIFIED), label: "Identified" },
  { value: String(StatusIncidentStatus.MONITORING), label: "Monitoring" },
  { value: String(StatusIncidentStatus.RESOLVED), label: "Resolved" },
];

/** IMPACTS are how badly an incident affects its monitors, mildest first. */
export const IMPACTS = [
  { value: String(StatusIncidentImpact.NONE), label: "None (the banner stays operational)" },
  { value: String(StatusIncidentImpact.DEGRADED), label: "Degraded performance" },
  { value: String(StatusIncidentImpact.PARTIAL_OUTAGE), label: "Partial outage" },
  { value: String(StatusIncidentImpact.MAJOR_OUTAGE), label: "Major outage" },
];

/** statusLabel is the word for an incident's status. */
export function statusLabel(status: StatusIncidentStatus): string {
  return STATUSES.find((s) => s.value === String(status))?.label ?? "Unknown";
}

/** impactLabel is the words for an incident's impact, without the note about the banner. */
export function impactLabel(impact: StatusIncidentImpact): string {
  if (impact === StatusIncidentImpact.NONE) return "No impact";
  return IMPACTS.find((i) => i.value === String(impact))?.label ?? "Unknown impact";
}

const STATUS_STYLE: Record<number, string> = {
  [StatusIncidentStatus.INVESTIGATING]: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  [StatusIncidentStatus.IDENTIFIED]:
    "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  [StatusIncidentStatus.MONITORING]: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300",
  [StatusIncidentStatus.RESOLVED]:
    "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
};

/** statusBadgeClass tints an incident's status badge (its words carry the status, not the tint). */
export function statusBadgeClass(status: StatusIncidentStatus): string {
  return `rounded-full px-2 py-0.5 text-xs font-medium ${
    STATUS_STYLE[status] ?? "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300"
  }`;
}

/**
 * errorAt is the server's message when the field it names is `field` or inside it
 * ("monitorIds[2]" is about "monitorIds").
 */
export function errorAt(
  problem: { field?: string; message: string } | undefined,
  field: string,
): string | undefined {
  const named = problem?.field;
  if (!named) return undefined;
  const next = named.charAt(field.length);
  return named.startsWith(field) && (next === "" || next === "." || next === "[")
    ? problem.message
    : undefined;
}
