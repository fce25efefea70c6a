// The public view of a status page: everything the HTML, the JSON summary and the Atom feed
// show, and nothing else. Built by load-page.ts from the tables; no field here holds a monitor's
// uuid, request, error, address or the organization — what is not in the model cannot leak.

/** ComponentStatus is a monitor's state as the page says it (Statuspage's component words). */
export type ComponentStatus =
  | "operational"
  | "degraded_performance"
  | "partial_outage"
  | "major_outage"
  | "under_maintenance";

/** MonitorState is what the page shows beside a monitor. */
export type MonitorState =
  | "up"
  | "down"
  | "degraded"
  | "partial_outage"
  | "major_outage"
  | "maintenance"
  | "no_data"
  | "paused";

/** Banner is the page's overall state. */
export type Banner = "operational" | "degraded" | "partial_outage" | "major_outage" | "maintenance";

/** Impact is how badly a written incident affects its monitors. */
export type Impact = "none" | "degraded" | "partial_outage" | "major_outage";

/** DayCell is one UTC day of a monitor's 90-day bar. */
export interface DayCell {
  /** YYYY-MM-DD, UTC. */
  day: string;
  checks: number;
  failures: number;
  /** Checks run during maintenance: not in checks, not in the uptime. */
  maintenanceChecks: number;
}

/** PublicMonitor is one monitor as a page shows it. */
export interface PublicMonitor {
  /** A page-local id (a hash), never the monitor's uuid. */
  id: string;
  name: string;
  /** Only when the owner ticked show_url. */
  url?: string;
  state: MonitorState;
  component: ComponentStatus;
  /** Oldest first, 90 days ending today (UTC). */
  days: DayCell[];
  /** Uptime over the 90 days in percent; null without checks. */
  uptime: number | null;
  /** 24 hourly average response times in ms, oldest first (null: no response that hour);
   *  absent unless the page shows response times. */
  responseTimes?: (number | null)[];
}

/** PublicGroup is a named group of monitors, in the page's order. */
export interface PublicGroup {
  id: string;
  name: string;
  monitors: PublicMonitor[];
}

/** PublicIncidentUpdate is one step of a written incident. */
export interface PublicIncidentUpdate {
  id: string;
  status: string;
  message: string;
  createdAt: Date;
}

/** PublicIncident is an incident written on the page. */
export interface PublicIncident {
  id: string;
  title: string;
  impact: Impact;
  status: string;
  createdAt: Date;
  resolvedAt: Date | null;
  /** Newest first. */
  updates: PublicIncidentUpdate[];
  /** The names of the affected monitors (all of the page's when the incident names none). */
  affected: string[];
  /** Page-local ids of the affected monitors. */
  affectedIds: string[];
}

/** PublicMaintenance is a maintenance window over the page, active or upcoming. */
export interface PublicMaintenance {
  id: string;
  title: string;
  description: string;
  /** The window shown: the running one, or the next. */
  startsAt: Date;
  /** null: until further notice. */
  endsAt: Date | null;
  active: boolean;
  recurring: boolean;
  affected: string[];
  affectedIds: string[];
  updatedAt: Date;
}

/** PublicPage is a whole page's public content at renderedAt. */
export interface PublicPage {
  slug: string;
  title: string;
  description: string;
  logoUrl: string;
  theme: "auto" | "light" | "dark";
  showResponseTimes: boolean;
  updatedAt: Date;
  renderedAt: Date;
  banner: Banner;
  groups: PublicGroup[];
  /** Open incidents, newest first. */
  activeIncidents: PublicIncident[];
  /** Incidents resolved in the last 14 days, newest first. */
  resolvedIncidents: PublicIncident[];
  maintenances: PublicMaintenance[];
}
