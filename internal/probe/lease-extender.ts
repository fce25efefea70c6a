import { Code, type ConnectError } from "@connectrpc/connect";
import type { Logger } from "../core/logger.js";
import { faultOf } from "./api-fault.js";
import type { LeaseRunner } from "./lease-runner.js";
import type { ProbeCheckClient } from "./probe-client.js";

/** LeaseExtenderDeps are what keeping the probe's leases needs. */
export interface LeaseExtenderDeps {
  client: Pick<ProbeCheckClient, "extendLeases">;
  runner: Pick<LeaseRunner, "leaseIds" | "lose">;
  log: Logger;
  /** Called when the API refuses the token: the probe stops. */
  onRefused: (error: ConnectError) => void;
  /** One call's deadline. */
  timeoutMs?: number;
}

/** LeaseExtender extends the leases whose checks are not done, every third of lease_ms. */
export interface LeaseExtender {
  /** setLeaseMs takes TakeChecks' lease_ms (the latest answer's). */
  setLeaseMs(leaseMs: number): void;
  start(): void;
  /** stop ends the timer and cancels the call in flight. */
  stop(): void;
}

/** What one ExtendLeases call may carry (the API's limit). */
export const MAX_EXTEND_LEASES = 100;
/** Used until TakeChecks said otherwise; also the floor, against a lease_ms of 0. */
const DEFAULT_LEASE_MS = 30_000;
const MIN_PERIOD_MS = 100;

/**
 * createLeaseExtender keeps the leases of checks still waiting or running: three extensions per
 * lease_ms, so that one lost call (a blip of the network) does not lose the lease. Leases the
 * API answers as lost have their checks not started dropped (another probe may be running
 * them). A failure waits for the next tick: by then the network may be back, and if it is not
 * the leases lapse, which is what BullMQ is for.
 */
export function createLeaseExtender(deps: LeaseExtenderDeps): LeaseExtender {
  const { client, runner, log } = deps;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const stopping = new AbortController();
  let leaseMs = DEFAULT_LEASE_MS;
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const extend = async () => {
    const ids = runner.leaseIds();
    for (let i = 0; i < ids.length && !stopping.signal.aborted; i += MAX_EXTEND_LEASES) {
      const leaseIds = ids.slice(i, i + MAX_EXTEND_LEASES);
      try {
        const answer = await client.extendLeases(
          { leaseIds },
          { timeoutMs: Math.min(timeoutMs, leaseMs / 3), signal: stopping.signal },
        );
        if (answer.lostLeaseIds.length > 0) runner.lose(answer.lostLeaseIds);
      } catch (error) {
        if (stopping.signal.aborted) return;
        const { fault, error: connectError } = faultOf(error);
        if (fault === "refused") {
          deps.onRefused(connectError);
          return;
        }
        log.warn("could not extend leases; trying again shortly", {
          leases: leaseIds.length,
          code: Code[connectError.code],
          reason: connectError.rawMessage,
        });
      }
    }
  };

  const schedule = () => {
    if (stopping.signal.aborted) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        running = true;
        void extend().finally(() => {
          running = false;
          schedule();
        });
      },
      Math.max(MIN_PERIOD_MS, leaseMs / 3),
    );
  };

  return {
    setLeaseMs(ms) {
      if (ms <= 0 || ms === leaseMs) return;
      leaseMs = ms;
      // The period changed: the tick waiting may be far later than a third of the new lease.
      if (timer !== undefined) {
        clearTimeout(timer);
        schedule();
      }
    },
    start() {
      if (timer === undefined && !running) schedule();
    },
    stop() {
      stopping.abort();
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
