import type { JsonObject } from "@bufbuild/protobuf";
import { DelayedError, type Job, UnrecoverableError } from "bullmq";
import { deferJob, wakeWaiter } from "../../core/defer-job.js";
import type { Logger } from "../../core/logger.js";
import type { OrgSlot, OrgSlots } from "../../core/org-slots.js";
import type { Queryable } from "../../db/pool.js";
import type { AlertDeliveryOutcome, WorkerMetrics } from "../../metrics/worker-metrics.js";
import {
  claimDelivery,
  type DeliveryKey,
  type DeliveryStatusName,
  type DeliveryToSend,
  getDelivery,
  settleDelivery,
} from "../alerts-db.js";
import { decodeDeliveryJob } from "./alert-queue.js";
import { DEFAULT_SEND_TIMEOUT_MS, type SendOptions, sendToChannel } from "./send.js";

/** DeliveryProcessorDeps are what delivering an alert needs. */
export interface DeliveryProcessorDeps {
  db: Queryable;
  log: Logger;
  /** PUBLIC_URL, for the link in Discord messages. */
  publicUrl?: string;
  /** The transport (tests pass none: the channels are local servers). */
  fetch?: SendOptions["fetch"];
  timeoutMs?: number;
  /** POSTs of one delivery at most, 429 answers included; default 20. */
  maxPosts?: number;
  /** Counts attempts by outcome, and deferrals; none in tests that do not look. */
  metrics?: Pick<WorkerMetrics, "observeAlertDelivery" | "observeDeferredJob">;
  /**
   * Bounds the deliveries one organization sends at once (ALERT_ORG_MAX_INFLIGHT); its others
   * wait in Redis. None: no bound.
   */
  orgSlots?: OrgSlots<DeliveryJob>;
}

/** DeliveryJob is the part of a delivery job that deferring and waking it uses. */
export type DeliveryJob = Pick<Job<JsonObject>, "promote">;

/** Slot lifetime past the POST's timeout: claiming and settling are two short queries. */
const SLOT_MARGIN_MS = 1000;
/** Spread of the return of deferred deliveries, so that they do not all come back at once. */
const DEFER_JITTER_MS = 250;

/**
 * orderWaitMs is how long a delivery waits before trying again while an earlier alert of its
 * monitor to its channel is still unsent: about one POST's time at first, so that the pair goes
 * out close together; a quarter of its wait so far later (the earlier one is being retried
 * with backoff), up to 10 s, so that many waiting deliveries do not poll Postgres hard. The
 * job's timestamp is when it was queued: deferring a job keeps it.
 */
export function orderWaitMs(job: Pick<Job, "timestamp">, now = Date.now()): number {
  return Math.min(
    Math.max(ORDER_WAIT_MIN_MS, Math.round((now - job.timestamp) / 4)),
    ORDER_WAIT_MAX_MS,
  );
}
const ORDER_WAIT_MIN_MS = 500;
const ORDER_WAIT_MAX_MS = 10_000;
const WAITING_FOR_EARLIER = "an earlier alert of this monitor to this channel is still unsent";

const jitter = () => Math.floor(Math.random() * DEFER_JITTER_MS);

/** STOPPED_MID_DELIVERY is the recorded reason a Discord delivery is not retried. */
export const STOPPED_MID_DELIVERY =
  "worker stopped mid-delivery; not retried, to avoid a duplicate";

// A 429 without a usable retry_after waits this long; a huge one is capped.
const DEFAULT_RETRY_AFTER_MS = 5_000;
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * createDeliveryProcessor returns the BullMQ processor of alert deliveries. Each delivery is
 * claimed in Postgres (pending → sending) before its POST, so it is sent at most once per
 * attempt whatever the queue does (a job added twice, a sweeper re-adding it), and only once
 * the earlier alerts of its monitor to its channel are settled, so that a channel receives one
 * monitor's alerts in the order they happened though ten deliveries run at once (the later
 * one goes back to wait in Redis, unclaimed, without spending an attempt). A delivery found
 * 'sending' was being sent by a worker that died mid-POST: for Discord it fails rather than
 * risk a duplicate message; a generic webhook is sent again with the same Idempotency-Key,
 * which its receiver can dedupe. Network errors and 5xx retry with the job's backoff; 429s wait
 * for the channel's retry_after without spending an attempt; other answers fail at once.
 *
 * With `orgSlots`, a delivery whose organization already has its maximum being sent waits in
 * Redis, unclaimed, until one of those is over (a freed slot wakes it; its own timer brings it
 * back when the soonest must have ended). It is never dropped: alerts must arrive.
 */
export function createDeliveryProcessor(deps: DeliveryProcessorDeps) {
  const maxPosts = deps.maxPosts ?? 20;
  const observe = (outcome: AlertDeliveryOutcome) => deps.metrics?.observeAlertDelivery(outcome);
  const slotMs = (deps.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS) + SLOT_MARGIN_MS;

  /** admit takes a slot of the organization, or defers the job (throws its DelayedError). */
  const admit = async (
    job: Job<JsonObject>,
    token: string | undefined,
    orgId: string,
  ): Promise<OrgSlot | undefined> => {
    const slots = deps.orgSlots;
    // Without a token (a processor called outside a worker) there is nothing to defer with.
    if (slots === undefined || token === undefined) return undefined;
    const now = Date.now();
    const slot = slots.tryAcquire(orgId, now + slotMs);
    if (slot !== undefined) return slot;
    const until = (slots.soonestDeadline(orgId) ?? now) + jitter();
    const remembered = slots.canWait(orgId);
    const delayed = await deferJob(job, token, until);
    if (remembered) slots.wait(orgId, job, until);
    deps.metrics?.observeDeferredJob("alerts");
    throw delayed;
  };

  const release = (slot: OrgSlot | undefined): void => {
    if (slot === undefined || deps.orgSlots === undefined) return;
    slot.release();
    wakeWaiter(deps.orgSlots, slot.orgId).catch((error: unknown) =>
      deps.log.warn("waking a deferred alert delivery failed", { error }),
    );
  };

  return async (job: Job<JsonObject>, token?: string): Promise<void> => {
    const key = decodeDeliveryJob(job.data);
    const delivery = await getDelivery(deps.db, key);
    // Deleted with its event, or settled already: nothing to send.
    if (!delivery || delivery.status === "delivered" || delivery.status === "failed") return;
    const { channel } = delivery;
    if (!channel) {
      await settleDelivery(deps.db, key, "failed", "the channel was deleted", [
        "pending",
        "sending",
      ]);
      observe("failed");
      return;
    }
    const slot = await admit(job, token, delivery.orgId);
    try {
      await deliver(job, token, key, delivery, channel);
    } finally {
      release(slot);
    }
  };

  /** deliver claims the delivery, POSTs it once and records how that went. */
  async function deliver(
    job: Job<JsonObject>,
    token: string | undefined,
    key: DeliveryKey,
    delivery: DeliveryToSend,
    channel: NonNullable<DeliveryToSend["channel"]>,
  ): Promise<void> {
    const from: DeliveryStatusName[] =
      channel.kind === "webhook" ? ["pending", "sending"] : ["pending"];
    const claim = await claimDelivery(deps.db, key, from);
    if (!claim.claimed && claim.waiting) {
      // An earlier alert of this monitor to this channel is still unsent: go after it.
      if (token === undefined) throw new Error(WAITING_FOR_EARLIER);
      throw await deferJob(job, token, Date.now() + orderWaitMs(job) + jitter());
    }
    if (!claim.claimed) {
      if (delivery.status === "sending") {
        await settleDelivery(deps.db, key, "failed", STOPPED_MID_DELIVERY);
        observe("failed");
        deps.log.warn("alert delivery abandoned mid-POST earlier; not resent", { ...key });
      }
      return;
    }

    const { attempts } = claim;
    const outcome = await sendToChannel(channel, delivery.event, {
      fetch: deps.fetch,
      timeoutMs: deps.timeoutMs,
      publicUrl: deps.publicUrl,
      monitor: delivery.monitor,
    });
    if (outcome.delivered) {
      await settleDelivery(deps.db, key, "delivered", "");
      observe("delivered");
      return;
    }
    const { error } = outcome;
    if (attempts >= maxPosts) {
      await settleDelivery(deps.db, key, "failed", `${error} (gave up after ${attempts} tries)`);
      observe("failed");
      throw new UnrecoverableError(error);
    }
    if (outcome.statusCode === 429 && token) {
      await settleDelivery(deps.db, key, "pending", error);
      const wait = Math.min(outcome.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS);
      await job.moveToDelayed(Date.now() + wait, token);
      observe("rate_limited");
      throw new DelayedError();
    }
    const retryable =
      outcome.statusCode === 0 || outcome.statusCode === 429 || outcome.statusCode >= 500;
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (retryable && !last) {
      await settleDelivery(deps.db, key, "pending", error);
      observe("retrying");
      throw new Error(error);
    }
    await settleDelivery(deps.db, key, "failed", error);
    observe("failed");
    throw new UnrecoverableError(error);
  }
}
