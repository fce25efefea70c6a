import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import pLimit from "p-limit";
import type { CheckJob, CheckResult, CheckTarget } from "../../gen/pulsar/v1/check_pb.js";
import type { CheckLease } from "../../gen/pulsar/v1/probe_pb.js";
import { staleAtMs } from "../checks/queue/check-timing.js";
import type { Logger } from "../core/logger.js";
import type { Outbox } from "./outbox.js";
import type { ProbeStatsWindow } from "./probe-stats.js";
import type { ServerClock } from "./server-clock.js";

/**
 * ProbeRunCheck runs one check: the worker's check (internal/checks/run-target.ts
 * createCheckRunner), which is a pure function of its target and the network.
 */
export type ProbeRunCheck = (
  target: CheckTarget,
  options: { signal?: AbortSignal },
) => Promise<CheckResult>;

/** LeaseRunnerDeps are what running the checks of leases needs. */
export interface LeaseRunnerDeps {
  /** PROBE_CONCURRENCY: checks running at once. */
  concurrency: number;
  outbox: Pick<Outbox, "pushLease" | "pushResults">;
  /** Hears that the outbox grew, with how many of its oldest results were pushed out. */
  onOutbox: (pushedOut: number) => void;
  clock: Pick<ServerClock, "serverNow" | "toLocal">;
  stats: Pick<ProbeStatsWindow, "observe">;
  /** Aborted at a hard stop: the checks running are cancelled. */
  signal: AbortSignal;
  log: Logger;
  now?: () => number;
}

/** LeaseRunner runs the checks of the leases the probe holds, each at its slot. */
export interface LeaseRunner {
  /** hold takes a lease's checks: each starts at its slot, run by runCheck, labelled region. */
  hold(lease: CheckLease, runCheck: ProbeRunCheck, region: string): void;
  /** Checks held and not done (waiting for their slot or running). */
  readonly held: number;
  /** leaseIds lists the leases with checks not done: those to extend. */
  leaseIds(): string[];
  /** lose drops the checks not started of leases the API says the probe no longer holds. */
  lose(leaseIds: readonly string[]): void;
  /** changed resolves when a check is done (a slot is free). */
  changed(): Promise<void>;
  /** startAllNow starts every check waiting for its slot (at shutdown: they are due anyway). */
  startAllNow(): void;
  /** idle resolves when no check is held. */
  idle(): Promise<void>;
  /** clear forgets everything at a hard stop: no timer left, nothing more reaches the outbox. */
  clear(): void;
}

interface HeldCheck {
  check: CheckJob;
  timer?: NodeJS.Timeout;
  started: boolean;
  done: boolean;
}

interface HeldLease {
  id: string;
  checks: HeldCheck[];
  pending: number;
  results: CheckResult[];
  /** The API said another probe may have it: finishing it is not this probe's to report. */
  lost: boolean;
  runCheck: ProbeRunCheck;
  region: string;
}

/**
 * createLeaseRunner runs the checks of leases as the worker's check processor runs a job's
 * (internal/checks/check-processor.ts): a check already a whole interval late is dropped
 * (the next one is due), one whose monitor's previous check is still running here is skipped
 * (checks of a monitor never overlap), the rest start at their slot on the API's clock, at most
 * `concurrency` at once, and each result is labelled as the worker labels it. When every check
 * of a lease is done its results go to the outbox, then its id, so that the API completes the
 * lease with all its results stored.
 */
export function createLeaseRunner(deps: LeaseRunnerDeps): LeaseRunner {
  const { clock, log } = deps;
  const now = deps.now ?? Date.now;
  const limit = pLimit(deps.concurrency);
  const leases = new Map<string, HeldLease>();
  const running = new Set<string>();
  let held = 0;
  let closed = false;
  let waiters: (() => void)[] = [];

  const wakeWaiters = () => {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };

  const finish = (lease: HeldLease) => {
    leases.delete(lease.id);
    if (closed) return;
    // A lost lease's results are still true measurements: they are reported, the lease is not.
    const pushedOut = lease.lost
      ? lease.results.length > 0
        ? deps.outbox.pushResults(lease.results)
        : 0
      : deps.outbox.pushLease(lease.id, lease.results);
    if (!lease.lost || lease.results.length > 0) deps.onOutbox(pushedOut);
  };

  const settle = (lease: HeldLease, entry: HeldCheck, result?: CheckResult) => {
    // After a hard stop (clear) the checks still running end into nothing.
    if (entry.done || closed) return;
    entry.done = true;
    held--;
    if (result) lease.results.push(result);
    lease.pending--;
    if (lease.pending === 0) finish(lease);
    wakeWaiters();
  };

  const label = (result: CheckResult, check: CheckJob, region: string): CheckResult => {
    result.monitorId = check.monitorId;
    result.region = region;
    result.scheduledAt = timestampFromMs(check.scheduledAtMs);
    // Maintenance windows are the API's to know: it marks what it stores.
    result.maintenance = false;
    return result;
  };

  const runOne = async (lease: HeldLease, target: CheckTarget, check: CheckJob) => {
    if (deps.signal.aborted) return undefined;
    // A check may have waited for a free slot: the worker's rule again, at the last moment.
    const serverNow = clock.serverNow();
    if (serverNow >= staleAtMs(check)) {
      log.debug("check dropped: a whole interval late", { monitorId: check.monitorId });
      return undefined;
    }
    const result = await lease.runCheck(target, { signal: deps.signal });
    deps.stats.observe(Math.max(0, serverNow - check.scheduledAtMs));
    return label(result, check, lease.region);
  };

  const start = (lease: HeldLease, entry: HeldCheck) => {
    entry.timer = undefined;
    if (entry.done || entry.started) return;
    entry.started = true;
    const { check } = entry;
    const target = check.target;
    if (!target) {
      log.warn("check without a target dropped", { monitorId: check.monitorId });
      settle(lease, entry);
      return;
    }
    if (running.has(check.monitorId)) {
      log.debug("check skipped: previous check still running", { monitorId: check.monitorId });
      settle(lease, entry);
      return;
    }
    running.add(check.monitorId);
    limit(() => runOne(lease, target, check))
      .then(
        (result) => settle(lease, entry, result),
        (error: unknown) => {
          log.warn("check failed to run; it has no result", { monitorId: check.monitorId, error });
          settle(lease, entry);
        },
      )
      .finally(() => running.delete(check.monitorId));
  };

  return {
    hold(received, runCheck, region) {
      if (closed || leases.has(received.id)) return;
      const lease: HeldLease = {
        id: received.id,
        checks: received.checks.map((check) => ({ check, started: false, done: false })),
        pending: received.checks.length,
        results: [],
        lost: false,
        runCheck,
        region,
      };
      leases.set(lease.id, lease);
      held += lease.pending;
      if (lease.pending === 0) {
        finish(lease);
        return;
      }
      const serverNow = clock.serverNow();
      for (const entry of lease.checks) {
        if (serverNow >= staleAtMs(entry.check)) {
          log.debug("check dropped: a whole interval late", { monitorId: entry.check.monitorId });
          settle(lease, entry);
          continue;
        }
        const delay = Math.max(0, clock.toLocal(entry.check.scheduledAtMs) - now());
        entry.timer = setTimeout(() => start(lease, entry), delay);
      }
    },
    get held() {
      return held;
    },
    leaseIds: () => [...leases.values()].filter((lease) => !lease.lost).map((lease) => lease.id),
    lose(leaseIds) {
      for (const id of leaseIds) {
        const lease = leases.get(id);
        if (!lease || lease.lost) continue;
        lease.lost = true;
        log.warn("lease lost: its checks not started are dropped", {
          leaseId: id,
          dropped: lease.checks.filter((c) => !c.started && !c.done).length,
        });
        for (const entry of lease.checks) {
          if (entry.started || entry.done) continue;
          clearTimeout(entry.timer);
          settle(lease, entry);
        }
      }
    },
    changed: () => new Promise<void>((resolve) => waiters.push(resolve)),
    startAllNow() {
      for (const lease of [...leases.values()]) {
        for (const entry of lease.checks) {
          if (entry.timer === undefined) continue;
          clearTimeout(entry.timer);
          start(lease, entry);
        }
      }
    },
    async idle() {
      while (held > 0) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    clear() {
      closed = true;
      for (const lease of leases.values()) {
        for (const entry of lease.checks) clearTimeout(entry.timer);
      }
      leases.clear();
      held = 0;
      limit.clearQueue();
      wakeWaiters();
    },
  };
}
