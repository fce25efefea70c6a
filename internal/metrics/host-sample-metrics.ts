import { Counter, type Registry } from "prom-client";

/** HostSampleMetrics observe the host samples a process stores (a worker's own, agents'). */
export interface HostSampleMetrics {
  /** observeHostSamples counts samples once they are stored. */
  observeHostSamples(count: number): void;
}

/**
 * createHostSampleMetrics registers pulsar_host_samples_ingested_total: the worker and the API
 * (agents' samples) both store host samples through internal/hosts/server/sample-store.ts.
 */
export function createHostSampleMetrics(registry: Registry): HostSampleMetrics {
  const ingested = new Counter({
    name: "pulsar_host_samples_ingested_total",
    help: "Host samples stored (a worker's own host, or agents' through IngestService).",
    registers: [registry],
  });
  return { observeHostSamples: (count) => ingested.inc(count) };
}
