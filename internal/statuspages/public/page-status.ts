import type { Banner, ComponentStatus, Impact, MonitorState } from "./model.js";

// How a page's states are decided: a monitor's from its last check, its maintenance and the
// open incidents written over it; the banner from all of them. Pure, so the rules are tested
// as a table (page-status.test.ts).

/** MonitorFacts are what decides one monitor's state. */
export interface MonitorFacts {
  enabled: boolean;
  /** The last check: true up, false down, null never checked. */
  lastUp: boolean | null;
  inMaintenance: boolean;
  /** The worst impact of the open incidents over it ("none" when there are none). */
  incidentImpact: Impact;
}

const IMPACT_RANK: Record<Impact, number> = {
  none: 0,
  degraded: 1,
  partial_outage: 2,
  major_outage: 3,
};

/** worseImpact is the worse of two impacts. */
export function worseImpact(a: Impact, b: Impact): Impact {
  return IMPACT_RANK[a] >= IMPACT_RANK[b] ? a : b;
}

/**
 * monitorState is what the page shows beside a monitor. Maintenance wins (its failures are
 * expected), then a failed last check, then a written incident's impact; a paused monitor or
 * one never checked says so rather than claiming to be up.
 */
export function monitorState(facts: MonitorFacts): MonitorState {
  if (facts.inMaintenance) return "maintenance";
  if (facts.enabled && facts.lastUp === false) return "down";
  if (facts.incidentImpact === "major_outage") return "major_outage";
  if (facts.incidentImpact === "partial_outage") return "partial_outage";
  if (facts.incidentImpact === "degraded") return "degraded";
  if (!facts.enabled) return "paused";
  return facts.lastUp === null ? "no_data" : "up";
}

/** componentStatus is a state in Statuspage's words; no data and paused count as operational. */
export function componentStatus(state: MonitorState): ComponentStatus {
  switch (state) {
    case "maintenance":
      return "under_maintenance";
    case "down":
    case "major_outage":
      return "major_outage";
    case "partial_outage":
      return "partial_outage";
    case "degraded":
      return "degraded_performance";
    default:
      return "operational";
  }
}

/**
 * pageBanner is the overall state. Any monitor down is a partial outage, all of the checked
 * ones down a major one; an open incident raises it to at least its impact (over the whole
 * page). Under maintenance only when nothing is worse.
 */
export function pageBanner(
  states: readonly MonitorState[],
  incidentImpacts: readonly Impact[],
  maintenanceActive: boolean,
): Banner {
  let impact: Impact = "none";
  for (const each of incidentImpacts) impact = worseImpact(impact, each);
  const checked = states.filter((s) => s !== "paused" && s !== "no_data" && s !== "maintenance");
  const down = checked.filter((s) => s === "down" || s === "major_outage").length;
  if (down > 0)
    impact = worseImpact(impact, down === checked.length ? "major_outage" : "partial_outage");
  if (states.includes("partial_outage")) impact = worseImpact(impact, "partial_outage");
  if (states.includes("degraded")) impact = worseImpact(impact, "degraded");
  if (impact === "major_outage") return "major_outage";
  if (impact === "partial_outage") return "partial_outage";
  if (impact === "degraded") return "degraded";
  if (maintenanceActive || states.includes("maintenance")) return "maintenance";
  return "operational";
}

/** BANNER_TEXT is the banner's sentence. */
export const BANNER_TEXT: Record<Banner, string> = {
  operational: "All systems operational",
  degraded: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
  maintenance: "Under maintenance",
};

/** STATE_TEXT is a monitor's state as shown beside it. */
export const STATE_TEXT: Record<MonitorState, string> = {
  up: "Operational",
  down: "Down",
  degraded: "Degraded",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
  maintenance: "Maintenance",
  no_data: "No data",
  paused: "Paused",
};
