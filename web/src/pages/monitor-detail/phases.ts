import type { CheckTiming } from "../../../../gen/pulsar/v1/check_pb";

/** PhaseField names a timing phase; CheckTiming and TimingPoint both carry these fields. */
export type PhaseField = "redirectMs" | "dnsMs" | "connectMs" | "tlsMs" | "ttfbMs" | "downloadMs";

/** Phase describes one phase of a check's waterfall: its name for people and its colour. */
export interface Phase {
  field: PhaseField;
  label: string;
  color: string;
}

/**
 * PHASES are the waterfall's phases in the order they happen. Tailwind's 600 tones: each has
 * at least 3:1 contrast against both the light (white) and the dark (slate-950) background, so
 * one palette serves both themes, and neighbours differ in hue.
 */
export const PHASES: readonly Phase[] = [
  { field: "redirectMs", label: "Redirects", color: "#64748b" },
  { field: "dnsMs", label: "DNS", color: "#0284c7" },
  { field: "connectMs", label: "TCP", color: "#7c3aed" },
  { field: "tlsMs", label: "TLS", color: "#d97706" },
  { field: "ttfbMs", label: "TTFB", color: "#0d9488" },
  { field: "downloadMs", label: "Download", color: "#db2777" },
];

/**
 * visiblePhases leaves Redirects out unless some of the timings spent time on them: most
 * monitors never redirect, and an always-empty "Redirects 0 ms" is noise.
 */
export function visiblePhases(timings: readonly Pick<CheckTiming, PhaseField>[]): Phase[] {
  const redirected = timings.some((t) => t.redirectMs > 0);
  return PHASES.filter((phase) => phase.field !== "redirectMs" || redirected);
}
