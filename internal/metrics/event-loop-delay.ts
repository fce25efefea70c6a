import { type IntervalHistogram, monitorEventLoopDelay, performance } from "node:perf_hooks";
import { Gauge, type Registry } from "prom-client";

/**
 * LOOP_DELAY_RESOLUTION_MS is how often the event loop's delay is sampled. prom-client's own
 * monitor ticks every 10 ms, which wakes an idle process 200 times a second (a tick and the
 * poll after it): ~4.5 ms of CPU a second in each API and worker. At 50 ms it costs about a
 * fifth of that; a stall of the loop still delays the tick it overlaps by as much.
 */
export const LOOP_DELAY_RESOLUTION_MS = 50;

/** prom-client's names for the loop's delay, which registerEventLoopDelay takes over. */
const LAG = "nodejs_eventloop_lag_seconds";

type Read = (histogram: IntervalHistogram) => number;

/**
 * The series read from the histogram: name, what it is, how it is read, and whether it is an
 * instant (reported less the resolution) rather than a spread.
 */
const WINDOW_SERIES: readonly (readonly [string, string, Read, boolean])[] = [
  ["nodejs_eventloop_lag_min_seconds", "minimum", (h) => h.min, true],
  ["nodejs_eventloop_lag_max_seconds", "maximum", (h) => h.max, true],
  ["nodejs_eventloop_lag_mean_seconds", "mean", (h) => h.mean, true],
  ["nodejs_eventloop_lag_stddev_seconds", "standard deviation", (h) => h.stddev, false],
  ["nodejs_eventloop_lag_p50_seconds", "median", (h) => h.percentile(50), true],
  ["nodejs_eventloop_lag_p90_seconds", "90th percentile", (h) => h.percentile(90), true],
  ["nodejs_eventloop_lag_p99_seconds", "99th percentile", (h) => h.percentile(99), true],
];

/**
 * READ_WINDOW_MS: reads closer together than this (the gauges of one scrape, read one by one)
 * share one window of samples.
 */
const READ_WINDOW_MS = 1000;

/**
 * registerEventLoopDelay replaces prom-client's event-loop series on `registry` (registered by
 * collectDefaultMetrics under `prefix`) with the same names, sampled every `resolutionMs` and
 * reported as delays: Node's histogram records the time between ticks, the resolution plus the
 * delay, so prom-client's figures never fell below its 10 ms resolution however idle the loop;
 * here an idle loop reads about 0. Each series can be read alone (the System page's publisher
 * reads only the p99; prom-client updated them all in another series' collect, so the page saw
 * them only after a scrape of /metrics): a read at least READ_WINDOW_MS after the window began
 * closes it, and every series reports the last closed window.
 */
export function registerEventLoopDelay(
  registry: Registry,
  prefix: string,
  resolutionMs = LOOP_DELAY_RESOLUTION_MS,
): void {
  for (const [name] of WINDOW_SERIES) registry.removeSingleMetric(prefix + name);
  registry.removeSingleMetric(prefix + LAG);
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  const resolutionNs = resolutionMs * 1e6;
  const closed = new Map<string, number>();
  let windowStart = performance.now();
  const closeWindow = () => {
    const now = performance.now();
    if (now - windowStart < READ_WINDOW_MS && closed.size > 0) return;
    windowStart = now;
    const sampled = histogram.count > 0;
    for (const [name, , read, instant] of WINDOW_SERIES) {
      const ns = sampled ? read(histogram) - (instant ? resolutionNs : 0) : 0;
      closed.set(name, Math.max(0, ns) / 1e9);
    }
    histogram.reset();
  };
  const registers = [registry];
  for (const [name, what] of WINDOW_SERIES) {
    const gauge: Gauge = new Gauge({
      name: prefix + name,
      help: `The ${what} of the event loop's delays, sampled every ${resolutionMs} ms over the last window (from one read to the next at least a second later).`,
      registers,
      collect() {
        closeWindow();
        gauge.set(closed.get(name) ?? 0);
      },
    });
  }
  // As prom-client's: how long a setImmediate queued at the previous read waited.
  const lag: Gauge = new Gauge({
    name: prefix + LAG,
    help: "How long the event loop took to run a callback queued at the previous read.",
    registers,
    collect() {
      const queuedAt = process.hrtime.bigint();
      setImmediate(() => lag.set(Number(process.hrtime.bigint() - queuedAt) / 1e9));
    },
  });
}
