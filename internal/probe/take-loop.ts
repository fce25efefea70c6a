import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, type ConnectError } from "@connectrpc/connect";
import { type BackoffPolicy, backoffDelay } from "../agent/backoff.js";
import type { Logger } from "../core/logger.js";
import { sleep, until } from "./abortable.js";
import { faultOf } from "./api-fault.js";
import type { LeaseExtender } from "./lease-extender.js";
import type { LeaseRunner, ProbeRunCheck } from "./lease-runner.js";
import type { ProbeCheckClient } from "./probe-client.js";
import type { ProbeStatsWindow } from "./probe-stats.js";
import type { Reporter } from "./reporter.js";
import type { ServerClock } from "./server-clock.js";

/** TakeLoopDeps are what taking checks from the API needs. */
export interface TakeLoopDeps {
  client: Pick<ProbeCheckClient, "takeChecks">;
  runner: Pick<LeaseRunner, "hold" | "held" | "changed">;
  reporter: Pick<Reporter, "healthy" | "healthyAgain">;
  extender: Pick<LeaseExtender, "setLeaseMs">;
  clock: Pick<ServerClock, "observe">;
  stats: Pick<ProbeStatsWindow, "snapshot">;
  /** The check for a region: its User-Agent names the region (createCheckRunner's identity). */
  runCheckFor: (region: string) => ProbeRunCheck;
  /** PROBE_CONCURRENCY: checks held at most (waiting for their slot or running). */
  concurrency: number;
  /** package.json's version, in ProbeStats. */
  version: string;
  /** REGION as the probe was started with: display only. */
  regionLabel: string;
  /** Called when the API refuses the token: the probe stops. */
  onRefused: (error: ConnectError) => void;
  /** Aborted when the probe stops taking checks. */
  signal: AbortSignal;
  log: Logger;
  /** How long one TakeChecks waits for checks to fall due (the long poll). */
  waitMs?: number;
  retry?: BackoffPolicy;
  now?: () => number;
  random?: () => number;
}

/** What one TakeChecks may ask for (the API's limit). */
export const MAX_TAKE_CHECKS = 500;
const DEFAULT_RETRY: BackoffPolicy = { baseMs: 1000, maxMs: 30_000 };
/** A TakeChecks' deadline past its wait: the API's answer and the network. */
const CALL_MARGIN_MS = 15_000;

/**
 * runTakeLoop takes checks until signal is aborted: one long poll at a time for as many checks
 * as there are free slots, each lease handed to the runner. It takes nothing while every slot
 * is held, nor while results cannot be reported (the outbox would only grow), and backs off
 * while the API fails. Each call carries the probe's stats; each answer sets the clock offset,
 * the lease length and the region the checks are run and labelled as.
 */
export async function runTakeLoop(deps: TakeLoopDeps): Promise<void> {
  const { client, runner, reporter, signal, log } = deps;
  const waitMs = deps.waitMs ?? 10_000;
  const retry = deps.retry ?? DEFAULT_RETRY;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const checks = new Map<string, ProbeRunCheck>();
  let region: string | undefined;
  let failures = 0;
  let troubleSince: number | undefined;

  const runCheckOf = (name: string): ProbeRunCheck => {
    let runCheck = checks.get(name);
    if (!runCheck) {
      runCheck = deps.runCheckFor(name);
      checks.set(name, runCheck);
    }
    return runCheck;
  };

  while (!signal.aborted) {
    if (!reporter.healthy) {
      await until(reporter.healthyAgain(), signal);
      continue;
    }
    const free = deps.concurrency - runner.held;
    if (free <= 0) {
      await until(runner.changed(), signal);
      continue;
    }
    const stats = deps.stats.snapshot();
    let answer: Awaited<ReturnType<ProbeCheckClient["takeChecks"]>>;
    try {
      answer = await client.takeChecks(
        {
          maxChecks: Math.min(MAX_TAKE_CHECKS, free),
          waitMs,
          stats: {
            version: deps.version,
            checksPerSecond: stats.checksPerSecond,
            latenessP99Ms: stats.latenessP99Ms,
            sentAt: timestampFromMs(now()),
            regionLabel: deps.regionLabel,
          },
        },
        { timeoutMs: waitMs + CALL_MARGIN_MS, signal },
      );
    } catch (error) {
      if (signal.aborted) break;
      const { fault, error: connectError } = faultOf(error);
      if (fault === "refused") {
        deps.onRefused(connectError);
        break;
      }
      const delay = backoffDelay(failures++, retry, random);
      if (troubleSince === undefined) {
        troubleSince = now();
        log.warn("cannot take checks; retrying with backoff", {
          code: Code[connectError.code],
          reason: connectError.rawMessage,
        });
      } else {
        log.debug("the API still fails", { reason: connectError.rawMessage, delay });
      }
      await sleep(delay, signal);
      continue;
    }
    const receivedAt = now();
    if (troubleSince !== undefined) {
      log.info("the API hands out checks again", {
        afterSeconds: Math.round((receivedAt - troubleSince) / 1000),
      });
      troubleSince = undefined;
    }
    failures = 0;
    if (answer.serverTime) deps.clock.observe(timestampMs(answer.serverTime), receivedAt);
    deps.extender.setLeaseMs(answer.leaseMs);
    if (answer.region !== region) {
      region = answer.region;
      log.info("checking for the region of the probe token", {
        region,
        regionLabel: deps.regionLabel || undefined,
      });
    }
    const runCheck = runCheckOf(answer.region);
    for (const lease of answer.leases) runner.hold(lease, runCheck, answer.region);
  }
}
