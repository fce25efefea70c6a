import type { Job } from "bullmq";
import type { CheckJob } from "../../../gen/pulsar/v1/check_pb.js";
import { wakeWaiter } from "../../core/defer-job.js";
import type { Logger } from "../../core/logger.js";
import type { OrgSlot, OrgSlots } from "../../core/org-slots.js";
import type { WorkerMetrics } from "../../metrics/worker-metrics.js";
import { slotTimeMs, staleAtMs } from "./check-timing.js";

/** WaitingChecks is the job that holds checks waiting for their organization's slot. */
export type WaitingChecks = Pick<Job, "promote">;

/** CheckAdmissionDeps are the accounting, where waiting checks go, and what reports on it. */
export interface CheckAdmissionDeps {
  slots: OrgSlots<WaitingChecks>;
  /**
   * Queues checks of one organization as one job, delayed until `untilMs` (the check queue's
   * add with a delay); the job is woken early when the organization frees a slot.
   */
  requeue(checks: CheckJob[], untilMs: number): Promise<WaitingChecks>;
  metrics?: Pick<WorkerMetrics, "observeDroppedCheck" | "observeDeferredJob">;
  log: Logger;
  now?: () => number;
}

/** AdmittedCheck is a check that may run now, in its organization's slot. */
export interface AdmittedCheck {
  check: CheckJob;
  slot: OrgSlot;
}

/** CheckAdmission lets checks take their organization's slots, or sends them back to wait. */
export interface CheckAdmission {
  /**
   * admit takes a slot of its organization for each check it can and returns those; the others
   * of each organization go back to Redis as one delayed job, to wait for a slot. A failure to
   * queue them drops them (logged and counted): the admitted checks run regardless.
   */
  admit(checks: readonly CheckJob[]): Promise<AdmittedCheck[]>;
  /** release frees a slot and wakes the organization's longest-waiting checks. */
  release(slot: OrgSlot): void;
}

/** Spread of the return of checks that no freed slot will wake. */
const JITTER_MS = 250;

/**
 * createCheckAdmission bounds the checks one organization runs at once in this worker. A check
 * whose organization is at its maximum waits in Redis (a delayed job holding its
 * organization's excess from one batch), not in one of the worker's slots, so nobody else's
 * checks wait behind it: the next slot the organization frees wakes that job, and if none does
 * before its checks are a whole interval late, its own timer brings it back then and they are
 * dropped as stale (the next interval's checks are already scheduled). So a tenant whose
 * checks all hang costs its own share of slots and a job per batch it overflows, and never
 * grows a backlog.
 */
export function createCheckAdmission(deps: CheckAdmissionDeps): CheckAdmission {
  const now = deps.now ?? Date.now;
  const { slots, metrics, log } = deps;

  /** wait sends one organization's excess back to Redis until a slot may be free. */
  const wait = async (orgId: string, checks: CheckJob[]): Promise<void> => {
    const at = now();
    const staleAt = Math.min(...checks.map(staleAtMs));
    // Waiters the organization's freed slots will wake come back by themselves only once stale.
    // Past the cap of waiters they are not remembered: they come back when a slot must be free
    // (the soonest deadline), with jitter so that such jobs do not all return at once.
    const remembered = slots.canWait(orgId);
    const soonest = slots.soonestDeadline(orgId) ?? at;
    const until = remembered
      ? staleAt
      : Math.min(staleAt, soonest + Math.floor(Math.random() * JITTER_MS));
    try {
      const job = await deps.requeue(checks, until);
      if (remembered) slots.wait(orgId, job, until);
      metrics?.observeDeferredJob("checks");
    } catch (error) {
      metrics?.observeDroppedCheck(checks.length);
      log.warn("checks dropped: queueing them to wait for their organization failed", {
        orgId,
        checks: checks.length,
        error,
      });
    }
  };

  return {
    async admit(checks) {
      const at = now();
      const admitted: AdmittedCheck[] = [];
      const waiting = new Map<string, CheckJob[]>();
      for (const check of checks) {
        const slot = slots.tryAcquire(check.orgId, at + slotTimeMs(check));
        if (slot !== undefined) {
          admitted.push({ check, slot });
          continue;
        }
        const excess = waiting.get(check.orgId);
        if (excess) excess.push(check);
        else waiting.set(check.orgId, [check]);
      }
      await Promise.all([...waiting].map(([orgId, excess]) => wait(orgId, excess)));
      return admitted;
    },
    release(slot) {
      slot.release();
      wakeWaiter(slots, slot.orgId).catch((error: unknown) =>
        log.warn("waking deferred checks failed", { error }),
      );
    },
  };
}
