import { setTimeout as sleep } from "node:timers/promises";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { registerEventLoopDelay } from "./event-loop-delay.js";
import { createMetricsRegistry } from "./registry.js";

async function gauge(registry: Registry, name: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  return values[0]?.value ?? Number.NaN;
}

/** stall keeps the event loop busy for `ms`. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}

describe("registerEventLoopDelay", () => {
  it("reads an idle loop as about 0, not as the sampling interval", async () => {
    const registry = new Registry();
    registerEventLoopDelay(registry, "t_", { resolutionMs: 10 });
    await sleep(1100);
    const p50 = await gauge(registry, "t_nodejs_eventloop_lag_p50_seconds");
    // prom-client's own read ~0.010 here: its 10 ms interval plus the delay.
    expect(p50).toBeLessThan(0.008);
    expect(p50).toBeGreaterThanOrEqual(0);
  });

  it("sees stalls in the p99 read alone, as the System page's publisher reads it", async () => {
    const registry = new Registry();
    registerEventLoopDelay(registry, "t_", { resolutionMs: 10 });
    // Ten stalls of 40 ms in about a second: a tenth of the samples, well above the 99th.
    for (let i = 0; i < 10; i++) {
      stall(40);
      await sleep(50);
    }
    await sleep(100);
    const p99 = await gauge(registry, "t_nodejs_eventloop_lag_p99_seconds");
    expect(p99).toBeGreaterThan(0.025);
    expect(p99).toBeLessThan(0.5);
  });

  it("closes windows on time, not on reads: a reader takes nothing from another", async () => {
    const registry = new Registry();
    registerEventLoopDelay(registry, "t_", { resolutionMs: 10, windowMs: 1000 });
    await sleep(100);
    stall(200);
    await sleep(50);
    const max = () => gauge(registry, "t_nodejs_eventloop_lag_max_seconds");
    // Read again and again, as a publisher and a scraper would: each sees the stall.
    for (let read = 0; read < 3; read++) expect(await max()).toBeGreaterThan(0.15);
    expect(await gauge(registry, "t_nodejs_eventloop_lag_min_seconds")).toBeLessThan(0.005);
    expect(await gauge(registry, "t_nodejs_eventloop_lag_mean_seconds")).toBeGreaterThan(0.0005);
    // Still seen a window later (1.0 to 2.0 s in), from the histogram not reset since...
    await sleep(950);
    expect(await max()).toBeGreaterThan(0.15);
    // ...and gone two windows on (from 2.0 s), from the one reset at 2.0 s.
    await sleep(1100);
    expect(await max()).toBeLessThan(0.1);
  });

  it("takes over prom-client's series in a process's registry: one of each name", async () => {
    const registry = createMetricsRegistry();
    const text = await registry.metrics();
    for (const name of ["lag", "lag_min", "lag_max", "lag_mean", "lag_p50", "lag_p90", "lag_p99"]) {
      const help = text
        .split("\n")
        .filter((line) => line.startsWith(`# HELP pulsar_nodejs_eventloop_${name}_seconds `));
      expect(help, name).toHaveLength(1);
    }
    expect(text).toContain("sampled every 50 ms");
  });
});
