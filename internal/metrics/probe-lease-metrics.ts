import { Counter, type Registry } from "prom-client";

/** ProbeCheckOutcome is what became of a check the API took from a region's queue for a probe. */
export type ProbeCheckOutcome = "leased" | "stale" | "locked";

/**
 * ProbeLeaseOutcome is what became of a lease: taken, completed with its results, reported lost
 * by its probe (it had lapsed), or lapsed and handed back to the queue by the stalled-job check
 * (a probe that died or fell silent).
 */
export type ProbeLeaseOutcome = "taken" | "completed" | "lost" | "lapsed";

/** ProbeLeaseMetrics observe the API's leasing of check jobs to remote probes. */
export interface ProbeLeaseMetrics {
  /** observeProbeChecks counts checks of a region by outcome. */
  observeProbeChecks(region: string, outcome: ProbeCheckOutcome, count: number): void;
  /** observeProbeLeases counts leases of a region by outcome. */
  observeProbeLeases(region: string, outcome: ProbeLeaseOutcome, count: number): void;
}

/**
 * createProbeLeaseMetrics registers pulsar_probe_checks_total (leased to a probe, dropped a
 * whole interval late, or skipped while the monitor's previous check runs) and
 * pulsar_probe_leases_total (taken, completed, lost, lapsed: a lapsed lease is a probe that
 * died or fell silent, whose checks went back to the queue for another probe). Regions come from probe tokens,
 * which only a system admin makes, so the label stays small.
 */
export function createProbeLeaseMetrics(registry: Registry): ProbeLeaseMetrics {
  const registers = [registry];
  const checks = new Counter({
    name: "pulsar_probe_checks_total",
    help: "Checks the API took for remote probes, by region and outcome (leased, stale, locked).",
    labelNames: ["region", "outcome"] as const,
    registers,
  });
  const leases = new Counter({
    name: "pulsar_probe_leases_total",
    help: "Leases of check jobs to remote probes, by region and outcome (taken, completed, lost, lapsed).",
    labelNames: ["region", "outcome"] as const,
    registers,
  });
  return {
    observeProbeChecks(region, outcome, count) {
      if (count > 0) checks.inc({ region, outcome }, count);
    },
    observeProbeLeases(region, outcome, count) {
      if (count > 0) leases.inc({ region, outcome }, count);
    },
  };
}
