import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, type ConnectError } from "@connectrpc/connect";
import { type BackoffPolicy, backoffDelay } from "../agent/backoff.js";
import type { Logger } from "../core/logger.js";
import { faultOf } from "./api-fault.js";
import type { Outbox } from "./outbox.js";
import type { ProbeCheckClient } from "./probe-client.js";

/** ReporterDeps configure the sender of the outbox. */
export interface ReporterDeps {
  outbox: Outbox;
  client: Pick<ProbeCheckClient, "reportResults">;
  log: Logger;
  /** Called once when the API refuses the token: the probe stops. */
  onRefused: (error: ConnectError) => void;
  /** Retries after the API could not be reached or failed: 1 s doubling to 30 s by default. */
  retry?: BackoffPolicy;
  /** How often what accumulated is sent (sooner when a full batch waits). */
  intervalMs?: number;
  /** One call's deadline. */
  timeoutMs?: number;
  now?: () => number;
  random?: () => number;
}

/** Reporter sends the outbox to the API (ReportResults), oldest first, one call at a time. */
export interface Reporter {
  start(): void;
  /** notify says the outbox grew (pushing out `pushedOut` of its oldest results). */
  notify(pushedOut: number): void;
  /** False from a failed call until one succeeds: the probe takes no new checks meanwhile. */
  readonly healthy: boolean;
  /** healthyAgain resolves when a call succeeds after failures (at once when healthy). */
  healthyAgain(): Promise<void>;
  /**
   * drain stops the background sending, then sends what is left without waiting out a backoff,
   * until the outbox is empty, a call fails or deadlineMs passes (the call in flight is then
   * cancelled). It answers how many results are left unsent.
   */
  drain(deadlineMs: number): Promise<number>;
  /** close stops at once (a refused token): the call in flight is cancelled. */
  close(): void;
}

/** What one ReportResults call may carry (the API's limits). */
export const MAX_REPORT_RESULTS = 1000;
export const MAX_REPORT_LEASES = 100;
/** The API refuses results checked more than 24 h ago; an hour's margin for clocks and calls. */
const MAX_RESULT_AGE_MS = 23 * 3600_000;
const DEFAULT_RETRY: BackoffPolicy = { baseMs: 1000, maxMs: 30_000 };

/**
 * createReporter sends the outbox in batches of at most 1000 results and 100 leases every
 * intervalMs, back to back while a backlog lasts, and removes a batch only once the API
 * answered that it is stored, so that an outage costs no result (up to PROBE_BUFFER_MAX) and
 * the backlog arrives in order when the API is back. Failures are retried with backoff and
 * jitter; a batch the API calls invalid is dropped with a log line (a retry would fail
 * forever); a refused token is handed to onRefused, once.
 */
export function createReporter(deps: ReporterDeps): Reporter {
  const { outbox, client, log } = deps;
  const retry = deps.retry ?? DEFAULT_RETRY;
  const intervalMs = deps.intervalMs ?? 500;
  const timeoutMs = deps.timeoutMs ?? 15_000;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const stopping = new AbortController();
  let loop: Promise<void> | undefined;
  let closing = false;
  let failures = 0;
  let healthy = true;
  let healthWaiters: (() => void)[] = [];
  // Set while the API fails, for one line when it comes back.
  let trouble: { since: number; dropped: number } | undefined;
  // One warning per episode of a full outbox, until it empties again.
  let dropWarned = false;
  let wakeInterval: (() => void) | undefined;
  let cutWait: (() => void) | undefined;

  const wait = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        wakeInterval = undefined;
        cutWait = undefined;
        resolve();
      };
      cutWait = done;
      if (wakeable) wakeInterval = done;
    });

  const recovered = () => {
    if (trouble) {
      log.info("the API takes results again; sending the backlog", {
        afterSeconds: Math.round((now() - trouble.since) / 1000),
        buffered: outbox.results,
        droppedMeanwhile: outbox.dropped - trouble.dropped,
      });
    }
    trouble = undefined;
    failures = 0;
    if (!healthy) {
      healthy = true;
      const woken = healthWaiters;
      healthWaiters = [];
      for (const wake of woken) wake();
    }
  };

  /** sendOnce sends the oldest batch; it answers how long to wait before the next one. */
  const sendOnce = async (deadline?: number): Promise<number> => {
    const batch = outbox.peek(MAX_REPORT_RESULTS, MAX_REPORT_LEASES);
    const oldest = now() - MAX_RESULT_AGE_MS;
    const results = batch.results.filter(
      (result) => !result.checkedAt || timestampMs(result.checkedAt) >= oldest,
    );
    if (results.length < batch.results.length) {
      log.warn("results too old for the API dropped", {
        count: batch.results.length - results.length,
      });
    }
    const remaining = deadline === undefined ? timeoutMs : deadline - now();
    try {
      const answer = await client.reportResults(
        { results, finishedLeaseIds: batch.finishedLeaseIds },
        { timeoutMs: Math.max(1, Math.min(timeoutMs, remaining)), signal: stopping.signal },
      );
      outbox.ack(batch.lastSeq);
      recovered();
      if (outbox.results === 0) dropWarned = false;
      if (answer.lostLeaseIds.length > 0) {
        log.info(
          "leases had lapsed before their results arrived (their checks may have run again elsewhere)",
          {
            lost: answer.lostLeaseIds.length,
          },
        );
      }
      return 0;
    } catch (error) {
      if (stopping.signal.aborted) return 0;
      const { fault, error: connectError } = faultOf(error);
      if (fault === "refused") {
        deps.onRefused(connectError);
        return 0;
      }
      if (fault === "invalid") {
        outbox.ack(batch.lastSeq);
        log.error("the API refused results as invalid; they are dropped", {
          results: results.length,
          leases: batch.finishedLeaseIds.length,
          reason: connectError.rawMessage,
        });
        return 0;
      }
      healthy = false;
      const delay = backoffDelay(failures++, retry, random);
      if (trouble === undefined) {
        trouble = { since: now(), dropped: outbox.dropped };
        log.warn("cannot report results; buffering them and retrying with backoff", {
          code: Code[connectError.code],
          reason: connectError.rawMessage,
          buffered: outbox.results,
        });
      } else {
        log.debug("the API still fails", { reason: connectError.rawMessage, delay });
      }
      return delay;
    }
  };

  const run = async () => {
    while (!closing) {
      await wait(intervalMs, true);
      while (outbox.size > 0 && !closing) {
        const delay = await sendOnce();
        if (delay > 0 && !closing) await wait(delay, false);
      }
    }
  };

  return {
    start() {
      loop ??= run();
    },
    notify(pushedOut) {
      if (pushedOut > 0 && !dropWarned) {
        dropWarned = true;
        log.warn("the result buffer is full: dropping the oldest results", {
          dropped: outbox.dropped,
          hint: "raise PROBE_BUFFER_MAX to keep more through an outage",
        });
      }
      if (outbox.results >= MAX_REPORT_RESULTS || outbox.size >= MAX_REPORT_LEASES) {
        wakeInterval?.();
      }
    },
    get healthy() {
      return healthy;
    },
    healthyAgain: () =>
      healthy ? Promise.resolve() : new Promise<void>((resolve) => healthWaiters.push(resolve)),
    async drain(deadlineMs) {
      const deadline = now() + deadlineMs;
      const timer = setTimeout(() => stopping.abort(), deadlineMs);
      try {
        closing = true;
        cutWait?.();
        await loop;
        while (outbox.size > 0 && !stopping.signal.aborted) {
          // While draining there is no time to wait out a backoff: one failure ends it.
          if ((await sendOnce(deadline)) > 0) break;
        }
      } finally {
        clearTimeout(timer);
        stopping.abort();
      }
      return outbox.results;
    },
    close() {
      closing = true;
      stopping.abort();
      cutWait?.();
    },
  };
}
