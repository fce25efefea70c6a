import type { JsonObject } from "@bufbuild/protobuf";
import type { Job } from "bullmq";
import { deferJob, wakeWaiter } from "../../core/defer-job.js";
import type { Logger } from "../../core/logger.js";
import type { OrgSlot, OrgSlots } from "../../core/org-slots.js";
import type { WorkerMetrics } from "../../metrics/worker-metrics.js";

/** CheckJobLike is the part of a BullMQ job that admission reads and moves. */
export type CheckJobLike = Pick<
  Job<JsonObject>,
  "id" | "attemptsStarted" | "moveToDelayed" | "promote"
>;

/** CheckAdmissionDeps are the accounting and what reports on it. */
export interface CheckAdmissionDeps {
  slots: OrgSlots<CheckJobLike>;
  metrics?: Pick<WorkerMetrics, "observeDroppedCheck" | "observeDeferredJob">;
  log: Logger;
  now?: () => number;
}

/** AdmissionRequest is what admission needs to know about one check job. */
export interface AdmissionRequest {
  job: CheckJobLike;
  /** The worker's lock token for the job; without one it cannot be deferred. */
  token: string | undefined;
  orgId: string;
  /** When the check was meant to start (scheduledAtMs). */
  scheduledAtMs: number;
  intervalMs: number;
  /** How long the check may take: its slot is held at most this long. */
  timeoutMs: number;
}

/** CheckAdmission lets a check take its organization's slot, or decides it must not run now. */
export interface CheckAdmission {
  /**
   * admit returns the slot the check runs in; or undefined when the check is dropped (stale:
   * the caller completes the job without checking); or throws the DelayedError the processor
   * must rethrow, once the job is back in Redis waiting for a slot.
   */
  admit(request: AdmissionRequest): Promise<OrgSlot | undefined>;
  /** release frees a slot and wakes the organization's longest-waiting check. */
  release(slot: OrgSlot): void;
}

/** Spread of the return of checks that no freed slot will wake. */
const JITTER_MS = 250;

/**
 * A check admitted this close to the end of its interval is dropped instead: between admission
 * and the check's first byte come the monitor's lock (a Redis round trip) and the check's set-up,
 * so one admitted a millisecond before the end would start after it — late by a whole interval,
 * beside the next interval's check. Waiters deferred to the end of their interval come back
 * exactly there, so the edge is often hit, not a rarity.
 */
const STALE_MARGIN_MS = 100;

/**
 * createCheckAdmission bounds the checks one organization runs at once in this worker. A check
 * whose organization is at its maximum waits in Redis (BullMQ's delayed set), not in one of the
 * worker's slots, so nobody else's checks wait behind it: the next slot the organization frees
 * wakes it, and if none does before it is a whole interval late, its own timer brings it back
 * then, stale, and it is dropped — the next interval's check is already scheduled. So a tenant
 * whose checks all hang costs its own share of slots and one deferral per excess check, and
 * never grows a backlog.
 *
 * A check started before (deferred, or handed over from a worker that died) and now a whole
 * interval late is dropped even if a slot is free: it would only duplicate the next check.
 */
export function createCheckAdmission(deps: CheckAdmissionDeps): CheckAdmission {
  const now = deps.now ?? Date.now;
  const { slots, metrics, log } = deps;

  const drop = (request: AdmissionRequest, why: string): undefined => {
    metrics?.observeDroppedCheck();
    log.debug(`check dropped: ${why}`, { jobId: request.job.id, orgId: request.orgId });
    return undefined;
  };

  return {
    async admit(request) {
      const at = now();
      const staleAt = request.scheduledAtMs + request.intervalMs - STALE_MARGIN_MS;
      const startedBefore = (request.job.attemptsStarted ?? 0) > 1;
      if (startedBefore && at >= staleAt) return drop(request, "a whole interval late");
      const slot = slots.tryAcquire(request.orgId, at + request.timeoutMs);
      if (slot !== undefined) return slot;
      if (at >= staleAt || request.token === undefined) {
        return drop(request, "its organization has its maximum of checks in flight");
      }
      // A waiter the organization's freed slots will wake comes back by itself only once stale.
      // One past the cap of waiters is not remembered: it comes back when a slot must be free
      // (the soonest deadline), with jitter so that such checks do not all return at once.
      const remembered = slots.canWait(request.orgId);
      const soonest = slots.soonestDeadline(request.orgId) ?? at;
      const until = remembered
        ? staleAt
        : Math.min(staleAt, soonest + Math.floor(Math.random() * JITTER_MS));
      const delayed = await deferJob(request.job, request.token, until);
      // Remembered once it is really delayed: a slot freed meanwhile must not try to wake a job
      // that is still active. One taken again after a wake keeps its turn (first in line).
      if (remembered) slots.wait(request.orgId, request.job, until, startedBefore);
      metrics?.observeDeferredJob("checks");
      throw delayed;
    },
    release(slot) {
      slot.release();
      wakeWaiter(slots, slot.orgId).catch((error: unknown) =>
        log.warn("waking a deferred check failed", { error }),
      );
    },
  };
}
