import { Counter, Histogram, type Registry } from "prom-client";
import { DURATION_BUCKETS } from "./buckets.js";
import { createHostSampleMetrics, type HostSampleMetrics } from "./host-sample-metrics.js";
import { createProbeLeaseMetrics, type ProbeLeaseMetrics } from "./probe-lease-metrics.js";

/** ApiMetrics are the series an API process observes (see also stream-clients.ts). */
export interface ApiMetrics extends HostSampleMetrics, ProbeLeaseMetrics {
  readonly registry: Registry;
  /**
   * observeRpc records one RPC: `method` is "pulsar.v1.MonitorService/CreateMonitor" (only
   * routes the API serves reach it, so the set is closed), `code` a Connect code in its wire
   * spelling ("ok", "invalid_argument").
   */
  observeRpc(method: string, code: string, seconds: number): void;
}

/** createApiMetrics registers the API's series on registry. */
export function createApiMetrics(registry: Registry): ApiMetrics {
  const registers = [registry];
  const requests = new Counter({
    name: "pulsar_rpc_requests_total",
    help: "RPCs answered, by method and Connect code.",
    labelNames: ["method", "code"] as const,
    registers,
  });
  const durationSeconds = new Histogram({
    name: "pulsar_rpc_duration_seconds",
    help: "How long RPCs took, by method (authentication and error mapping included).",
    labelNames: ["method"] as const,
    buckets: [...DURATION_BUCKETS],
    registers,
  });
  return {
    registry,
    ...createHostSampleMetrics(registry),
    ...createProbeLeaseMetrics(registry),
    observeRpc(method, code, seconds) {
      requests.inc({ method, code });
      durationSeconds.observe({ method }, seconds);
    },
  };
}
