import type { JsonObject } from "@bufbuild/protobuf";
import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import pLimit from "p-limit";
import type pg from "pg";
import type { CheckResult } from "../../gen/pulsar/v1/check_pb.js";
import type { AlertHandOut } from "../alerts/hand-out.js";
import { createBatchWriter } from "../core/batch-writer.js";
import type { Logger } from "../core/logger.js";
import { OrgSlots } from "../core/org-slots.js";
import type { MaintenanceIndex } from "../maintenance/maintenance-index.js";
import type { WorkerMetrics } from "../metrics/worker-metrics.js";
import type { StreamPublisher } from "../stream/publisher.js";
import { createCheckProcessor, type RunCheck } from "./check-processor.js";
import { createMonitorLocks } from "./monitor-locks.js";
import {
  type CheckAdmission,
  createCheckAdmission,
  type WaitingChecks,
} from "./queue/check-admission.js";
import { addCheckBatch, type CheckQueue, checkQueueName } from "./queue/check-queue.js";
import { monitorLockPrefix, startRegionDispatch } from "./queue/region-dispatch.js";
import { announceStored, storeCheckResults } from "./results/store-check-results.js";

/** CheckWorkerDeps are the connections and settings of one worker process. */
export interface CheckWorkerDeps {
  pool: pg.Pool;
  /** BullMQ's connection: ioredis with maxRetriesPerRequest null. BullMQ duplicates it. */
  bullConnection: Redis;
  /** A plain connection for locks and the check schedule. */
  redis: Redis;
  /** The check queue of `region` (createCheckQueue with it): the only one this worker serves. */
  queue: CheckQueue;
  prefix: string;
  runCheck: RunCheck;
  /**
   * Checks this worker runs at once (CHECK_CONCURRENCY). It holds twice as many jobs (each a
   * batch of checks): a job stays active until its results are stored, up to a batch window
   * later, and those waiting must not keep the next checks from starting.
   */
  concurrency: number;
  /**
   * Checks of one organization this worker runs at once (CHECK_ORG_MAX_INFLIGHT); the
   * organization's other checks wait in Redis. Default: `concurrency`, i.e. no bound.
   */
  orgMaxInFlight?: number;
  /**
   * REGION: the region this worker serves (its schedule and queue) and labels its results with.
   */
  region: string;
  /** DEFAULT_REGION: the region of a monitor that lists none. */
  defaultRegion: string;
  reconcileEveryMs: number;
  /**
   * Publishes committed batches' results live, each to the organization the batch's
   * transaction read for its monitor; none in tests that do not need it.
   */
  publisher?: Pick<StreamPublisher, "publishCheckResults">;
  /**
   * Where committed batches' alert events go: deliveries queued, events published
   * (internal/alerts/hand-out.ts), the same hand-out as the worker's host rules. Without it they
   * stay pending until a delivery worker's sweeper queues them.
   */
  handOut?: AlertHandOut;
  /**
   * Whether a monitor is in a maintenance window: the process's one maintenance index
   * (internal/maintenance), shared with its heartbeat sweeper and stopped by its owner after
   * close(). Without it no result is marked maintenance.
   */
  inMaintenance?: MaintenanceIndex["covers"];
  /** BullMQ lock duration and stalled-job check interval. */
  jobLockMs?: number;
  /** The worker's series (internal/metrics); none in tests that do not look at them. */
  metrics?: Pick<
    WorkerMetrics,
    | "observeCheck"
    | "observeSkippedCheck"
    | "observeDroppedCheck"
    | "observeDeferredJob"
    | "observeCheckJobFailure"
    | "observeResultBatch"
  >;
  log: Logger;
}

/** CheckWorker is a running worker; close() shuts it down in order. */
export interface CheckWorker {
  worker: Worker<JsonObject, void, string>;
  close(): Promise<void>;
}

/**
 * orgAdmission bounds each organization's checks in flight, unless the bound is the worker's
 * whole concurrency (then its check slots never run more, and accounting would be wasted work).
 * An organization's excess waits in a job of its own, delayed on the check queue.
 */
function orgAdmission(deps: CheckWorkerDeps): CheckAdmission | undefined {
  const max = deps.orgMaxInFlight ?? deps.concurrency;
  if (max >= deps.concurrency) return undefined;
  return createCheckAdmission({
    slots: new OrgSlots<WaitingChecks>({ maxPerOrg: max }),
    requeue: (checks, untilMs) => addCheckBatch(deps.queue, checks, untilMs - Date.now()),
    metrics: deps.metrics,
    log: deps.log,
  });
}

/**
 * startCheckWorker serves its region: it claims due checks from the region's schedule and
 * queues them on the region's queue (as every worker of the region does), runs checks from that
 * queue, stores their results in batches and keeps the region's schedule reconciled with
 * Postgres. (Partition maintenance is the worker process's:
 * internal/db/partition-maintenance.ts.)
 */
export function startCheckWorker(deps: CheckWorkerDeps): CheckWorker {
  const { log, metrics, region, defaultRegion } = deps;
  // A queue of another region would run that region's checks under this one's label.
  if (deps.queue.name !== checkQueueName(region)) {
    throw new Error(`the check worker of region ${region} got queue ${deps.queue.name}`);
  }
  const writer = createBatchWriter<CheckResult>({
    label: "check results",
    // Announced after COMMIT, and announcing never throws: a retry would store the batch again.
    write: async (batch) => {
      await announceStored(deps, batch, await storeCheckResults(deps.pool, batch), "check results");
    },
    onWritten: metrics && ((size, seconds) => metrics.observeResultBatch(size, seconds)),
    // A batch costs Postgres and the worker ~2 ms of CPU whatever its size (a transaction of
    // four statements: bench/store-batches.ts): waiting 250 ms makes one of ~50 results at 195
    // checks/s, and a result is still seen live within a quarter of a second.
    maxDelayMs: 250,
    log,
  });
  // Each region checks a monitor at the same slot: its lock keeps one region's checks of it from
  // overlapping (a probe's of the region too), never another region's out.
  const locks = createMonitorLocks(deps.redis, monitorLockPrefix(deps.prefix, region), { log });
  const processor = createCheckProcessor({
    runCheck: deps.runCheck,
    writer,
    locks,
    checkSlots: pLimit(deps.concurrency),
    region: deps.region,
    metrics,
    admission: orgAdmission(deps),
    inMaintenance: deps.inMaintenance,
    log,
  });
  const worker = new Worker<JsonObject, void, string>(deps.queue.name, processor, {
    connection: deps.bullConnection,
    prefix: deps.prefix,
    concurrency: deps.concurrency * 2,
    // BullMQ renews the lock every lockDuration/2 while we live; once a killed worker's lock
    // lapses, the next stalled-job check hands its jobs to another worker.
    lockDuration: deps.jobLockMs ?? 30_000,
    stalledInterval: deps.jobLockMs ?? 30_000,
  });
  worker.on("error", (error) => log.warn("queue worker error", { error }));
  worker.on("failed", (job, error) => {
    metrics?.observeCheckJobFailure();
    log.warn("check job failed", { jobId: job?.id, error });
  });

  const stopDispatch = startRegionDispatch({
    pool: deps.pool,
    redis: deps.redis,
    queue: deps.queue,
    prefix: deps.prefix,
    region,
    defaultRegion,
    reconcileEveryMs: deps.reconcileEveryMs,
    log,
  });

  return {
    worker,
    async close() {
      // Claims no more; a claim in progress is queued before the worker stops taking jobs.
      await stopDispatch();
      // Stops taking jobs and waits for the checks in flight; their results are then flushed.
      await worker.close();
      await locks.flush();
      await writer.close();
    },
  };
}
