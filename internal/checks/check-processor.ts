import { setMaxListeners } from "node:events";
import type { JsonObject } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import type { Job } from "bullmq";
import type { LimitFunction } from "p-limit";
import type { CheckJob, CheckResult, CheckTarget } from "../../gen/pulsar/v1/check_pb.js";
import type { BatchWriter } from "../core/batch-writer.js";
import type { Logger } from "../core/logger.js";
import type { OrgSlot } from "../core/org-slots.js";
import type { WorkerMetrics } from "../metrics/worker-metrics.js";
import type { MonitorLocks, Release } from "./monitor-locks.js";
import type { CheckAdmission } from "./queue/check-admission.js";
import { decodeCheckBatch } from "./queue/check-queue.js";
import { slotTimeMs, staleAtMs } from "./queue/check-timing.js";

/** RunCheck runs one check; see internal/checks/http. */
export type RunCheck = (
  target: CheckTarget,
  options: { signal?: AbortSignal },
) => Promise<CheckResult>;

/** CheckProcessorDeps are what a check job needs around the checks themselves. */
export interface CheckProcessorDeps {
  runCheck: RunCheck;
  writer: Pick<BatchWriter<CheckResult>, "add">;
  locks: MonitorLocks;
  /**
   * Bounds the checks running at once (CHECK_CONCURRENCY): a job holds many checks, and a
   * check whose result waits for its batch to be written holds no connection, so this bounds
   * the network part alone. None: every check of every job taken runs at once.
   */
  checkSlots?: LimitFunction;
  region: string;
  log: Logger;
  /** Counts checks by outcome, their phases and lateness; none in tests that do not look. */
  metrics?: Pick<WorkerMetrics, "observeCheck" | "observeSkippedCheck" | "observeDroppedCheck">;
  /**
   * Bounds the checks one organization runs at once (CHECK_ORG_MAX_INFLIGHT); none: every
   * check runs as soon as BullMQ hands its job over.
   */
  admission?: CheckAdmission;
  /**
   * Whether a monitor is in a maintenance window at an instant (internal/maintenance's index:
   * a map lookup). A result checked inside one is stored marked `maintenance`: it alerts on
   * nothing and counts in no uptime. None: no result is marked.
   */
  inMaintenance?: (monitorId: string, atMs: number) => boolean;
  now?: () => number;
}

/**
 * createCheckProcessor returns the BullMQ processor for check jobs, each a batch of checks:
 * drop those already a whole interval late, take slots of their organizations (the rest go
 * back to wait), take their monitors' locks in one call, then for each, at once: run the
 * check, store the result. The job completes only once every result is in Postgres, so a worker killed
 * mid-check leaves a stalled job that BullMQ hands to another worker, which runs those of its
 * checks not stale by then (a check that had finished before the kill runs again).
 */
export function createCheckProcessor(deps: CheckProcessorDeps) {
  const now = deps.now ?? Date.now;

  const runOne = async (
    check: CheckJob,
    slot: OrgSlot | undefined,
    release: Release | undefined,
    signal?: AbortSignal,
  ) => {
    let result: CheckResult;
    try {
      const target = check.target;
      if (!target) throw new Error(`check of monitor ${check.monitorId} has no target`);
      if (!release) {
        // The previous check of this monitor is still running (a late check under backlog, or
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
        // The lock keeps checks from overlapping; storing the result needs no lock.
        release();
      }
    } finally {
      // The organization's slot is for the network part only: a slow batch write must not
      // hold back the organization's next check.
      if (slot !== undefined) deps.admission?.release(slot);
    }
    result.monitorId = check.monitorId;
    result.region = deps.region;
    result.scheduledAt = timestampFromMs(check.scheduledAtMs);
    const startedAt = result.checkedAt ? timestampMs(result.checkedAt) : now();
    result.maintenance = deps.inMaintenance?.(check.monitorId, startedAt) ?? false;
    deps.metrics?.observeCheck(result, startedAt - check.scheduledAtMs);
    await deps.writer.add(result);
  };

  return async (job: Job<JsonObject>, _token?: string, signal?: AbortSignal): Promise<void> => {
    const at = now();
    const checks = decodeCheckBatch(job.data, job);
    const fresh = checks.filter((check) => at < staleAtMs(check));
    if (fresh.length < checks.length) {
      // The next interval's checks of these monitors are due already (the workers were behind,
      // or the checks waited for their organization's slots a whole interval).
      deps.metrics?.observeDroppedCheck(checks.length - fresh.length);
      deps.log.debug("checks dropped: a whole interval late", {
        jobId: job.id,
        dropped: checks.length - fresh.length,
      });
    }
    const admitted: { check: CheckJob; slot?: OrgSlot }[] = deps.admission
      ? await deps.admission.admit(fresh)
      : fresh.map((check) => ({ check }));
    let releases: (Release | undefined)[];
    try {
      releases = await deps.locks.acquire(
        admitted.map(({ check }) => ({ monitorId: check.monitorId, ttlMs: slotTimeMs(check) })),
      );
    } catch (error) {
      for (const { slot } of admitted) if (slot !== undefined) deps.admission?.release(slot);
      throw error;
    }
    // Every check of the job listens to the job's one signal (undici and the lookups add a
    // listener each, removed when the check ends), so a job of more than a few checks passes
    // Node's default of 10 listeners by design; without this each such job printed a
    // MaxListenersExceededWarning. The signal lives as long as the job.
    if (signal) setMaxListeners(0, signal);
    const outcomes = await Promise.allSettled(
      admitted.map(({ check, slot }, i) => runOne(check, slot, releases[i], signal)),
    );
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    // Every other check's result is stored by now; the job fails for the one that was not.
    if (failed) throw failed.reason;
  };
}
