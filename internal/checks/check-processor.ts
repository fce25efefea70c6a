import type { JsonObject } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import type { Job } from "bullmq";
import type { LimitFunction } from "p-limit";
import type { CheckResult, CheckTarget } from "../../gen/pulsar/v1/check_pb.js";
import type { BatchWriter } from "../core/batch-writer.js";
import type { Logger } from "../core/logger.js";
import type { OrgSlot } from "../core/org-slots.js";
import type { WorkerMetrics } from "../metrics/worker-metrics.js";
import { DEFAULT_TIMEOUT_MS } from "./http/index.js";
import type { MonitorLocks } from "./monitor-locks.js";
import type { CheckAdmission } from "./queue/check-admission.js";
import { decodeCheckJob } from "./queue/check-queue.js";

/** RunCheck runs one check; see internal/checks/http. */
export type RunCheck = (
  target: CheckTarget,
  options: { signal?: AbortSignal },
) => Promise<CheckResult>;

/** CheckProcessorDeps are what a check job needs around the check itself. */
export interface CheckProcessorDeps {
  runCheck: RunCheck;
  writer: Pick<BatchWriter<CheckResult>, "add">;
  locks: MonitorLocks;
  /**
   * Bounds the checks running at once (CHECK_CONCURRENCY): a job whose result waits for its
   * batch to be written holds a BullMQ slot but no connection, so the worker's BullMQ
   * concurrency is larger and this bounds the network part alone. None: BullMQ's bound only.
   */
  checkSlots?: LimitFunction;
  region: string;
  log: Logger;
  /** Called with each stored result (metrics, live stream). */
  onResult?: (result: CheckResult, job: Job<JsonObject>) => void;
  /** Counts checks by outcome, their phases and lateness; none in tests that do not look. */
  metrics?: Pick<WorkerMetrics, "observeCheck" | "observeSkippedCheck">;
  /**
   * Bounds the checks one organization runs at once (CHECK_ORG_MAX_INFLIGHT); none: every
   * check runs as soon as BullMQ hands it over.
   */
  admission?: CheckAdmission;
}

/** Lock lifetime past the check's timeout: the check itself is bounded by its timeout. */
const LOCK_MARGIN_MS = 1000;

/** The interval of a job that does not carry one (made before jobs did). */
const FALLBACK_INTERVAL_MS = 60_000;

/**
 * createCheckProcessor returns the BullMQ processor for check jobs: take a slot of the
 * monitor's organization (or send the job back to wait for one), take the monitor's lock, run
 * the check, store the result. The job completes only once the result is in Postgres, so a
 * worker killed mid-check leaves a stalled job that BullMQ hands to another worker.
 */
export function createCheckProcessor(deps: CheckProcessorDeps) {
  return async (job: Job<JsonObject>, token?: string, signal?: AbortSignal): Promise<void> => {
    const check = decodeCheckJob(job.data);
    const target = check.target;
    if (!target) throw new Error(`job ${job.id} has no check target`);
    const scheduledAt = scheduledAtMs(job);
    let slot: OrgSlot | undefined;
    if (deps.admission) {
      // Throws a DelayedError when the job went back to Redis to wait for its turn.
      slot = await deps.admission.admit({
        job,
        token,
        // Jobs queued before they carried an organization share one, "".
        orgId: check.orgId,
        scheduledAtMs: scheduledAt,
        intervalMs: check.intervalSeconds > 0 ? check.intervalSeconds * 1000 : FALLBACK_INTERVAL_MS,
        timeoutMs: (target.timeoutMs > 0 ? target.timeoutMs : DEFAULT_TIMEOUT_MS) + LOCK_MARGIN_MS,
      });
      if (slot === undefined) return;
    }
    let result: CheckResult;
    try {
      const release = await deps.locks.acquire(check.monitorId, target.timeoutMs + LOCK_MARGIN_MS);
      if (!release) {
        // The previous check of this monitor is still running (a late job under backlog, or
        // the immediate check after an edit): skipping keeps checks of one monitor from
        // overlapping.
        deps.log.debug("check skipped: previous check still running", {
          monitorId: check.monitorId,
        });
        deps.metrics?.observeSkippedCheck();
        return;
      }
      try {
        result = await (deps.checkSlots
          ? deps.checkSlots(() => deps.runCheck(target, { signal }))
          : deps.runCheck(target, { signal }));
      } finally {
        // The lock keeps checks from overlapping; storing the result needs no lock. Its TTL
        // frees it anyway (a killed worker's lock too), so a failed release must not fail the
        // check.
        await release().catch((error: unknown) =>
          deps.log.warn("releasing monitor lock failed", { error }),
        );
      }
    } finally {
      // The organization's slot is for the network part only: a slow batch write must not
      // hold back the organization's next check.
      if (slot !== undefined) deps.admission?.release(slot);
    }
    result.monitorId = check.monitorId;
    result.region = deps.region;
    result.scheduledAt = timestampFromMs(scheduledAt);
    if (deps.metrics) {
      const startedAt = result.checkedAt ? timestampMs(result.checkedAt) : Date.now();
      deps.metrics.observeCheck(result, startedAt - scheduledAt);
    }
    await deps.writer.add(result);
    deps.onResult?.(result, job);
  };
}

/**
 * scheduledAtMs is when the job was meant to run. BullMQ zeroes `job.delay` once a delayed job
 * is promoted, but keeps the delay it was created with in its options.
 */
export function scheduledAtMs(job: Pick<Job, "timestamp" | "opts">): number {
  return job.timestamp + (job.opts.delay ?? 0);
}
