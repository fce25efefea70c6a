import type { JsonObject } from "@bufbuild/protobuf";
import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "../../core/logger.js";
import { OrgSlots } from "../../core/org-slots.js";
import type { Queryable } from "../../db/pool.js";
import { listStaleDeliveries } from "../alerts-db.js";
import { ALERT_QUEUE, type AlertQueue, enqueueDeliveries } from "./alert-queue.js";
import {
  createDeliveryProcessor,
  type DeliveryJob,
  type DeliveryProcessorDeps,
} from "./delivery-processor.js";

/** AlertDeliveryWorkerDeps are the connections and settings of the delivery worker. */
export interface AlertDeliveryWorkerDeps
  extends Pick<
    DeliveryProcessorDeps,
    "publicUrl" | "fetch" | "timeoutMs" | "maxPosts" | "metrics"
  > {
  db: Queryable;
  /** BullMQ's connection (maxRetriesPerRequest null); BullMQ duplicates it for the worker. */
  bullConnection: Redis;
  /** The queue the sweeper re-adds stale deliveries to. */
  queue: Pick<AlertQueue, "addBulk">;
  prefix: string;
  log: Logger;
  /** Deliveries sent at once; default 10. */
  concurrency?: number;
  /**
   * Deliveries of one organization sent at once (ALERT_ORG_MAX_INFLIGHT); its others wait in
   * Redis, so that one organization's slow or hanging channels never hold up another's alerts.
   * Default {@link DEFAULT_ALERT_ORG_MAX_INFLIGHT}.
   */
  orgMaxInFlight?: number;
  /** How often the sweeper looks for stale deliveries; default 30 s. */
  sweepEveryMs?: number;
  /** A delivery pending or sending this long is re-queued; default 60 s. */
  staleAfterSeconds?: number;
}

/** AlertDeliveryWorker is the running delivery worker. */
export interface AlertDeliveryWorker {
  worker: Worker<JsonObject, void, string>;
  /** sweep re-queues stale deliveries now and returns how many it found. */
  sweep(): Promise<number>;
  /** close stops sweeping and waits for the deliveries in flight. */
  close(): Promise<void>;
}

const SWEEP_LIMIT = 500;

/** DEFAULT_ALERT_ORG_MAX_INFLIGHT is ALERT_ORG_MAX_INFLIGHT's default (of 10 at once). */
export const DEFAULT_ALERT_ORG_MAX_INFLIGHT = 3;

/**
 * startAlertDeliveryWorker delivers alerts from the alert queue, and sweeps: a delivery still
 * pending (or sending) a minute after it was last touched lost its job (a worker died between
 * COMMIT and enqueue, or Redis lost it) and is queued again. Several workers may sweep at once:
 * a job id per delivery and the claim in Postgres make a duplicate add harmless.
 */
export function startAlertDeliveryWorker(deps: AlertDeliveryWorkerDeps): AlertDeliveryWorker {
  const { log } = deps;
  const concurrency = deps.concurrency ?? 10;
  const orgMax = deps.orgMaxInFlight ?? DEFAULT_ALERT_ORG_MAX_INFLIGHT;
  const worker = new Worker<JsonObject, void, string>(
    ALERT_QUEUE,
    createDeliveryProcessor({
      db: deps.db,
      log,
      publicUrl: deps.publicUrl,
      fetch: deps.fetch,
      timeoutMs: deps.timeoutMs,
      maxPosts: deps.maxPosts,
      metrics: deps.metrics,
      // No accounting when the bound is the whole concurrency: BullMQ never hands over more.
      orgSlots: orgMax < concurrency ? new OrgSlots<DeliveryJob>({ maxPerOrg: orgMax }) : undefined,
    }),
    {
      connection: deps.bullConnection,
      prefix: deps.prefix,
      concurrency,
    },
  );
  worker.on("error", (error) => log.warn("alert worker error", { error }));
  worker.on("failed", (job, error) =>
    log.warn("alert delivery failed", { jobId: job?.id, error: error.message }),
  );

  const sweep = async () => {
    const stale = await listStaleDeliveries(deps.db, deps.staleAfterSeconds ?? 60, SWEEP_LIMIT);
    await enqueueDeliveries(deps.queue, stale);
    if (stale.length > 0) log.info("re-queued stale alert deliveries", { count: stale.length });
    return stale.length;
  };
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => log.warn("sweeping alert deliveries failed", { error }));
  }, deps.sweepEveryMs ?? 30_000);
  timer.unref();

  return {
    worker,
    sweep,
    async close() {
      clearInterval(timer);
      await worker.close();
    },
  };
}
