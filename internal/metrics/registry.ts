import { collectDefaultMetrics, Registry } from "prom-client";
import { registerEventLoopDelay } from "./event-loop-delay.js";

/** METRIC_PREFIX starts the name of every series Pulsar exports, its own and the process's. */
export const METRIC_PREFIX = "pulsar_";

/** MetricsRegistryOptions choose what a new registry collects besides Pulsar's own series. */
export interface MetricsRegistryOptions {
  /**
   * processMetrics adds prom-client's process and Node.js series (CPU, memory, event-loop lag,
   * GC, handles), prefixed `pulsar_`. Default true.
   */
  processMetrics?: boolean;
}

/**
 * createMetricsRegistry returns a new registry for one process. Never prom-client's global
 * one: a registry passed around explicitly lets a test build a worker and an API in one process
 * and read each one's series alone.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.processMetrics ?? true) {
    // prom-client's own loop monitor ticks once a minute here (it cannot be left out): its
    // series are replaced by registerEventLoopDelay's, which cost a fifth as much.
    collectDefaultMetrics({
      register: registry,
      prefix: METRIC_PREFIX,
      eventLoopMonitoringPrecision: 60_000,
    });
    registerEventLoopDelay(registry, METRIC_PREFIX);
  }
  return registry;
}
