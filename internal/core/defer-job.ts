import { DelayedError, type Job } from "bullmq";
import type { OrgSlots } from "./org-slots.js";

/**
 * deferJob sends an active job back to BullMQ's delayed set until `untilMs` and returns the
 * DelayedError its processor must throw, so that BullMQ frees the slot without failing the job
 * or spending an attempt. The job keeps its data, `timestamp` and `opts.delay` (moveToDelayed
 * rewrites only the hash's `delay` field), so its intended start is still
 * `timestamp + opts.delay`; a job scheduler has already made its next job when this one first
 * became active, and does not make another when it is taken again.
 */
export async function deferJob(
  job: Pick<Job, "moveToDelayed">,
  token: string,
  untilMs: number,
): Promise<DelayedError> {
  await job.moveToDelayed(untilMs, token);
  return new DelayedError();
}

/**
 * wakeJob moves a deferred job from delayed to waiting at once. False when it was not delayed
 * any more (its timer brought it back, another worker took it, it was removed): the caller
 * may wake another.
 */
export async function wakeJob(job: Pick<Job, "promote">): Promise<boolean> {
  try {
    await job.promote();
    return true;
  } catch {
    return false;
  }
}

/** Wake attempts per freed slot: a waiter may have been brought back by its timer meanwhile. */
const WAKE_TRIES = 3;

/**
 * wakeWaiter wakes the longest-waiting job of `orgId` that is still delayed, after one of the
 * organization's slots was freed; it gives up after a few that were not delayed any more.
 */
export async function wakeWaiter<J extends Pick<Job, "promote">>(
  slots: Pick<OrgSlots<J>, "takeWaiter">,
  orgId: string,
): Promise<void> {
  for (let i = 0; i < WAKE_TRIES; i++) {
    const waiter = slots.takeWaiter(orgId);
    if (waiter === undefined || (await wakeJob(waiter))) return;
  }
}
