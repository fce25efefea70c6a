import { setMaxListeners } from "node:events";
import type { ConnectError } from "@connectrpc/connect";
import type { BackoffPolicy } from "../agent/backoff.js";
import type { Logger } from "../core/logger.js";
import { until } from "./abortable.js";
import { refusalLine } from "./api-fault.js";
import type { ProbeConfig } from "./config.js";
import { createLeaseExtender } from "./lease-extender.js";
import { createLeaseRunner, type ProbeRunCheck } from "./lease-runner.js";
import { createOutbox } from "./outbox.js";
import type { ProbeCheckClient } from "./probe-client.js";
import { createProbeStats } from "./probe-stats.js";
import { createReporter } from "./reporter.js";
import { createServerClock } from "./server-clock.js";
import { runTakeLoop } from "./take-loop.js";

/** ProbeDeps are what a probe uses; cmd/probe passes the real ones. */
export interface ProbeDeps {
  config: Pick<ProbeConfig, "PULSAR_URL" | "REGION" | "PROBE_CONCURRENCY" | "PROBE_BUFFER_MAX">;
  /** A ProbeCheckService client that sends the probe token (createProbeClient). */
  client: ProbeCheckClient;
  /**
   * The check, for the region the API names (TakeChecksResponse.region): the worker's
   * createCheckRunner with identity {region, version}, so that its User-Agent names the region.
   */
  runCheckFor: (region: string) => ProbeRunCheck;
  /** The probe's version (package.json), in its stats. */
  version: string;
  log: Logger;
  /** Tests shorten these. */
  retry?: BackoffPolicy;
  reportIntervalMs?: number;
  waitMs?: number;
}

/** ProbeEnd is why a probe ended: stopped (with how many results were left unsent), or refused. */
export type ProbeEnd =
  | { reason: "stopped"; unsent: number }
  | { reason: "refused"; message: string };

/** StopDeadlines bound a graceful stop. */
export interface StopDeadlines {
  /** For the checks held to finish (each is bounded by its timeout as well). Default 30 s. */
  checksMs?: number;
  /** For the outbox to reach the API. Default 10 s. */
  flushMs?: number;
}

/** Probe takes its region's checks from the API, runs them, and reports their results. */
export interface Probe {
  start(): void;
  /**
   * stop stops taking checks, lets those held finish (those waiting for their slot start at
   * once: they are due), reports what is left and resolves with how it ended.
   */
  stop(deadlines?: StopDeadlines): Promise<ProbeEnd>;
  /**
   * ended resolves when the probe ends: after stop, or at once when the API refuses the token
   * (revoked or unknown), which nothing but a new token fixes: the process should exit non-zero.
   */
  readonly ended: Promise<ProbeEnd>;
}

/**
 * createProbe joins the pieces: a take loop (TakeChecks long polls) feeding a lease runner
 * (checks at their slot on the API's clock, at most PROBE_CONCURRENCY at once), a lease
 * extender (ExtendLeases while checks are held), and a reporter sending the outbox
 * (ReportResults), which holds results through an outage up to PROBE_BUFFER_MAX.
 */
export function createProbe(deps: ProbeDeps): Probe {
  const { config, client, log } = deps;
  const taking = new AbortController();
  const checking = new AbortController();
  // Every check listens to this one signal (undici and the lookups add a listener each,
  // removed when the check ends): hundreds at once by design, not a leak.
  setMaxListeners(0, checking.signal);
  let resolveEnded: (end: ProbeEnd) => void = () => {};
  const ended = new Promise<ProbeEnd>((resolve) => {
    resolveEnded = resolve;
  });
  let over = false;
  let takeLoop: Promise<void> | undefined;

  const clock = createServerClock();
  const stats = createProbeStats();
  const outbox = createOutbox(config.PROBE_BUFFER_MAX);

  const refuse = (error: ConnectError) => {
    if (over) return;
    over = true;
    const message = refusalLine(error);
    log.error(message);
    hardStop();
    resolveEnded({ reason: "refused", message });
  };

  const reporter = createReporter({
    outbox,
    client,
    log,
    onRefused: refuse,
    retry: deps.retry,
    intervalMs: deps.reportIntervalMs,
  });
  const runner = createLeaseRunner({
    concurrency: config.PROBE_CONCURRENCY,
    outbox,
    onOutbox: (pushedOut) => reporter.notify(pushedOut),
    clock,
    stats,
    signal: checking.signal,
    log,
  });
  const extender = createLeaseExtender({ client, runner, log, onRefused: refuse });

  function hardStop() {
    taking.abort();
    runner.clear();
    checking.abort();
    extender.stop();
    reporter.close();
  }

  return {
    ended,
    start() {
      if (takeLoop) return;
      if (/^http:\/\//i.test(config.PULSAR_URL)) {
        log.warn("PULSAR_URL is plain http: the probe token travels unencrypted; use https", {
          url: config.PULSAR_URL,
        });
      }
      reporter.start();
      extender.start();
      takeLoop = runTakeLoop({
        client,
        runner,
        reporter,
        extender,
        clock,
        stats,
        runCheckFor: deps.runCheckFor,
        concurrency: config.PROBE_CONCURRENCY,
        version: deps.version,
        regionLabel: config.REGION,
        onRefused: refuse,
        signal: taking.signal,
        log,
        waitMs: deps.waitMs,
        retry: deps.retry,
      });
      log.info("probe started", {
        url: config.PULSAR_URL,
        regionLabel: config.REGION || undefined,
        concurrency: config.PROBE_CONCURRENCY,
        bufferResults: config.PROBE_BUFFER_MAX,
        version: deps.version,
      });
    },
    async stop(deadlines = {}) {
      if (over) return ended;
      // A long poll in flight is cancelled: checks the API was handing out meanwhile lapse
      // with their lease and go to another probe of the region.
      taking.abort();
      await takeLoop;
      runner.startAllNow();
      const checksDeadline = new AbortController();
      const timer = setTimeout(() => checksDeadline.abort(), deadlines.checksMs ?? 30_000);
      await until(runner.idle(), checksDeadline.signal);
      clearTimeout(timer);
      if (runner.held > 0) {
        // Their leases lapse and their checks go to another probe; no half-done lease is
        // reported finished.
        log.warn("checks still running at the deadline are abandoned", { checks: runner.held });
        runner.clear();
        checking.abort();
      }
      extender.stop();
      const unsent = await reporter.drain(deadlines.flushMs ?? 10_000);
      if (unsent > 0) log.warn("results left unsent at shutdown", { unsent });
      checking.abort();
      if (!over) {
        over = true;
        resolveEnded({ reason: "stopped", unsent });
      }
      return ended;
    },
  };
}
