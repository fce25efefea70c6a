import { Counter, Histogram, type Registry } from "prom-client";
import { CheckErrorKind, type CheckResult } from "../../gen/pulsar/v1/check_pb.js";
import { BATCH_SIZE_BUCKETS, DURATION_BUCKETS, LATENESS_BUCKETS } from "./buckets.js";
import { FixedHistogram } from "./fixed-histogram.js";
import { createHostSampleMetrics, type HostSampleMetrics } from "./host-sample-metrics.js";

/** AlertDeliveryOutcome is how one attempt at delivering an alert ended. */
export type AlertDeliveryOutcome = "delivered" | "retrying" | "rate_limited" | "failed";

/** DeferredQueue names the queue of a job sent back to wait for its organization's turn. */
export type DeferredQueue = "checks" | "alerts";

/**
 * WorkerMetrics are the series a worker process observes. Every method is a few in-memory
 * increments: they run on each check, whose whole budget is about a millisecond of CPU.
 */
export interface WorkerMetrics extends HostSampleMetrics {
  readonly registry: Registry;
  /**
   * observeCheck counts a check by outcome and error kind, records its phases and how late it
   * started (`latenessMs`: its start minus the start its scheduler intended).
   */
  observeCheck(result: CheckResult, latenessMs: number): void;
  /** observeSkippedCheck counts a check not run because the monitor's previous one still ran. */
  observeSkippedCheck(): void;
  /**
   * observeDroppedCheck counts checks not run because they were a whole interval late when a
   * worker took them (their organization had its maximum in flight, CHECK_ORG_MAX_INFLIGHT,
   * until then; or the workers were behind): the next interval's check was already due.
   */
  observeDroppedCheck(count?: number): void;
  /**
   * observeDeferredJob counts a job sent back to wait in Redis because its organization had its
   * maximum in flight in this worker (CHECK_ORG_MAX_INFLIGHT, ALERT_ORG_MAX_INFLIGHT).
   */
  observeDeferredJob(queue: DeferredQueue): void;
  /** observeCheckJobFailure counts a check job that failed (its result was not stored). */
  observeCheckJobFailure(): void;
  /** observeResultBatch records one stored batch of results: its size and how long it took. */
  observeResultBatch(size: number, seconds: number): void;
  /** observeAlertDelivery counts one attempt at delivering an alert to a channel. */
  observeAlertDelivery(outcome: AlertDeliveryOutcome): void;
}

/** The waterfall's phases, as CheckTiming fields and as `phase` label values. */
const PHASES = [
  ["redirect", "redirectMs"],
  ["dns", "dnsMs"],
  ["connect", "connectMs"],
  ["tls", "tlsMs"],
  ["ttfb", "ttfbMs"],
  ["download", "downloadMs"],
] as const;

const ALERT_OUTCOMES: readonly AlertDeliveryOutcome[] = [
  "delivered",
  "retrying",
  "rate_limited",
  "failed",
];

/**
 * errorKindLabel turns a CheckErrorKind into its label value (CONNECTION_REFUSED →
 * "connection_refused"): a closed set of a dozen values, whatever the monitors.
 */
function errorKindLabel(kind: CheckErrorKind): string {
  return (CheckErrorKind[kind] ?? "other").toLowerCase();
}

/**
 * createWorkerMetrics registers the worker's series on registry. Labelled series start at zero
 * (every outcome, phase and error kind), so a rate() or an alert rule sees them before the
 * first event. Labels never carry monitor ids or URLs: their number must not grow with the
 * monitors.
 */
export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  const registers = [registry];
  const checks = new Counter({
    name: "pulsar_checks_total",
    help: "Checks run, by outcome (up, down; skipped: the previous check of the monitor still ran; dropped: its organization had CHECK_ORG_MAX_INFLIGHT checks in flight until it was a whole interval late) and, when down, error kind.",
    labelNames: ["outcome", "error_kind"] as const,
    registers,
  });
  // Observed eight times a check: FixedHistogram's series cost an increment, not a label hash.
  const phaseSeconds = new FixedHistogram({
    name: "pulsar_check_phase_seconds",
    help: "Duration of each phase of a check's waterfall, and its total; a phase that did not happen (TLS of plain HTTP, DNS of an IP address) is not observed.",
    buckets: DURATION_BUCKETS,
    label: { name: "phase", values: [...PHASES.map(([phase]) => phase), "total"] },
    registers,
  });
  const phaseSeries = PHASES.map(([phase, field]) => [phaseSeconds.series(phase), field] as const);
  const totalSeries = phaseSeconds.series("total");
  const latenessSeconds = new FixedHistogram({
    name: "pulsar_check_scheduling_lateness_seconds",
    help: "How late a check started: its start minus the start its schedule intended.",
    buckets: LATENESS_BUCKETS,
    registers,
  }).series();
  const jobFailures = new Counter({
    name: "pulsar_check_job_failures_total",
    help: "Check jobs that failed: the check threw, or its result could not be stored.",
    registers,
  });
  const batchSeconds = new Histogram({
    name: "pulsar_result_batch_flush_seconds",
    help: "How long storing one batch of check results took (one transaction, retries included).",
    buckets: [...DURATION_BUCKETS],
    registers,
  });
  const batchSize = new Histogram({
    name: "pulsar_result_batch_size",
    help: "Check results per stored batch.",
    buckets: [...BATCH_SIZE_BUCKETS],
    registers,
  });
  const deferredJobs = new Counter({
    name: "pulsar_deferred_jobs_total",
    help: "Jobs sent back to wait in Redis because their organization had its maximum in flight in this worker (CHECK_ORG_MAX_INFLIGHT, ALERT_ORG_MAX_INFLIGHT), by queue.",
    labelNames: ["queue"] as const,
    registers,
  });
  const alertDeliveries = new Counter({
    name: "pulsar_alert_deliveries_total",
    help: "Attempts at delivering an alert to a channel, by outcome.",
    labelNames: ["outcome"] as const,
    registers,
  });

  checks.inc({ outcome: "up", error_kind: "none" }, 0);
  checks.inc({ outcome: "skipped", error_kind: "none" }, 0);
  checks.inc({ outcome: "dropped", error_kind: "none" }, 0);
  deferredJobs.inc({ queue: "checks" }, 0);
  deferredJobs.inc({ queue: "alerts" }, 0);
  for (const kind of Object.values(CheckErrorKind)) {
    // A TypeScript enum maps both ways: its numbers are the kinds, its strings their names.
    if (typeof kind !== "number") continue;
    checks.inc({ outcome: "down", error_kind: errorKindLabel(kind) }, 0);
  }
  for (const outcome of ALERT_OUTCOMES) alertDeliveries.inc({ outcome }, 0);

  return {
    registry,
    ...createHostSampleMetrics(registry),
    observeCheck(result, latenessMs) {
      if (result.up) checks.inc({ outcome: "up", error_kind: "none" });
      else checks.inc({ outcome: "down", error_kind: errorKindLabel(result.errorKind) });
      const timing = result.timing;
      if (timing) {
        for (const [series, field] of phaseSeries) {
          const ms = timing[field];
          if (ms > 0) series.observe(ms / 1000);
        }
        totalSeries.observe(timing.totalMs / 1000);
      }
      // Clocks of two machines (the scheduler's, this worker's) may disagree by a little.
      latenessSeconds.observe(Math.max(0, latenessMs) / 1000);
    },
    observeSkippedCheck: () => checks.inc({ outcome: "skipped", error_kind: "none" }),
    observeDroppedCheck: (count = 1) =>
      checks.inc({ outcome: "dropped", error_kind: "none" }, count),
    observeDeferredJob: (queue) => deferredJobs.inc({ queue }),
    observeCheckJobFailure: () => jobFailures.inc(),
    observeResultBatch(size, seconds) {
      batchSize.observe(size);
      batchSeconds.observe(seconds);
    },
    observeAlertDelivery: (outcome) => alertDeliveries.inc({ outcome }),
  };
}
