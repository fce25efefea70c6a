import { type IntervalHistogram, monitorEventLoopDelay } from "node:perf_hooks";
import { Gauge, type Registry } from "prom-client";

/**
 * LOOP_DELAY_RESOLUTION_MS is how often the event loop's delay is sampled. prom-client's own
 * monitor ticks every 10 ms, which wakes an idle process 200 times a second (a tick and the
 * poll after it): ~4.5 ms of CPU a second in each API and worker. At 50 ms it costs about a
 * fifth of that; a stall of the loop still delays the tick it overlaps by as much.
 */
export const LOOP_DELAY_RESOLUTION_MS = 50;

/**
 * LOOP_DELAY_WINDOW_MS is how long a window of samples lasts. The series report the last full
 * window and the one filling, 30 to 60 s of samples: a scrape every 30 s or more often sees
 * every stall, and no reader's read changes what another reads.
 */
export const LOOP_DELAY_WINDOW_MS = 30_000;

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

/** EventLoopDelayOptions tune registerEventLoopDelay; the defaults are a process's. */
export interface EventLoopDelayOptions {
  /** How often the loop's delay is sampled. Default LOOP_DELAY_RESOLUTION_MS. */
  resolutionMs?: number;
  /** How long a window of samples lasts. Default LOOP_DELAY_WINDOW_MS. */
  windowMs?: number;
}

/**
 * registerEventLoopDelay replaces prom-client's event-loop series on `registry` (registered by
 * collectDefaultMetrics under `prefix`) with the same names, sampled every `resolutionMs` and
 * reported as delays: Node's histogram records the time between ticks, the resolution plus the
 * delay, so prom-client's figures never fell below its 10 ms resolution however idle the loop;
 * here an idle loop reads about 0. Windows close on time, not on reads: prom-client reset its
 * histogram at every scrape, so two readers (Prometheus and the System page's publisher, which
 * reads only the p99) would each see only the samples since the other's read. Like
 * prom-client's, the monitor lasts as long as the process (its timers do not keep it alive).
 */
export function registerEventLoopDelay(
  registry: Registry,
  prefix: string,
  options: EventLoopDelayOptions = {},
): void {
  const resolutionMs = options.resolutionMs ?? LOOP_DELAY_RESOLUTION_MS;
  const windowMs = options.windowMs ?? LOOP_DELAY_WINDOW_MS;
  for (const [name] of WINDOW_SERIES) registry.removeSingleMetric(prefix + name);
  registry.removeSingleMetric(prefix + LAG);
  // Two histograms, reset in turn every window and read in turn: the one read was reset a
  // window before the other, so it holds one to two windows of samples. Neither can be merged
  // into another histogram (add() takes only a RecordableHistogram), and timing the ticks in
  // JS instead costs twice as much as Node's native sampling (~250 µs a tick against ~110).
  // Enabled together with one resolution, their timers fire in one wake of the loop: two cost
  // what one does.
  const sample = () => monitorEventLoopDelay({ resolution: resolutionMs });
  const histograms = [sample(), sample()] as const;
  for (const histogram of histograms) histogram.enable();
  let read: 0 | 1 = 0;
  setInterval(() => {
    histograms[read].reset();
    read = read === 0 ? 1 : 0;
  }, windowMs).unref();
  const resolutionNs = resolutionMs * 1e6;
  const registers = [registry];
  for (const [name, what, value, instant] of WINDOW_SERIES) {
    const gauge: Gauge = new Gauge({
      name: prefix + name,
      help: `The ${what} of the event loop's delays, sampled every ${resolutionMs} ms, over the last ${windowMs / 1000} to ${(2 * windowMs) / 1000} s.`,
      registers,
      collect() {
        const histogram = histograms[read];
        const ns = histogram.count > 0 ? value(histogram) - (instant ? resolutionNs : 0) : 0;
        gauge.set(Math.max(0, ns) / 1e9);
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
