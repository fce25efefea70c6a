import { create, fromJson, type JsonObject, toJson } from "@bufbuild/protobuf";
import type { ConnectionOptions, Job, JobsOptions } from "bullmq";
import { Queue } from "bullmq";
import {
  CheckBatchSchema,
  type CheckJob,
  CheckJobSchema,
  type CheckTarget,
} from "../../../gen/pulsar/v1/check_pb.js";

/**
 * LOCAL_REGION is the region of an installation that names none (REGION's and DEFAULT_REGION's
 * default). Its check queue and schedule keep the names they had before regions, so that an
 * upgraded installation goes on with the jobs waiting and the schedule kept (were they lost,
 * reconciliation would rebuild the schedule from Postgres within RECONCILE_INTERVAL_MS, but the
 * checks due meanwhile would be missed and the waiting jobs left in Redis for good).
 */
export const LOCAL_REGION = "local";

/** CHECK_QUEUE is the BullMQ queue of LOCAL_REGION's check jobs (checkQueueName). */
export const CHECK_QUEUE = "checks";

/**
 * checkQueueName names the check queue of a region: its workers alone take its jobs.
 * Region names are REGION's form (no ':', which BullMQ refuses in a queue name), so distinct
 * regions get distinct names, none of them CHECK_QUEUE but LOCAL_REGION's.
 */
export function checkQueueName(region: string): string {
  return region === LOCAL_REGION ? CHECK_QUEUE : `${CHECK_QUEUE}-${region}`;
}

/** CHECK_JOB_NAME names scheduled and immediate check jobs alike. */
export const CHECK_JOB_NAME = "check";

/**
 * CheckQueue is the BullMQ queue of check jobs; its data is the JSON form of
 * pulsar.v1.CheckBatch.
 */
export type CheckQueue = Queue<JsonObject, void, string>;

/**
 * MonitorSchedule is what the schedule needs to know about one enabled monitor, built by
 * scheduleOf (the API) or listEnabledSchedules (the reconciler), both with checkTargetOf
 * (internal/checks/monitors/monitor-schedule.ts).
 */
export interface MonitorSchedule {
  monitorId: string;
  /**
   * The monitor's organization: workers bound the checks one organization runs at once. "" for
   * a monitor from before accounts, not yet adopted.
   */
  orgId: string;
  intervalSeconds: number;
  target: CheckTarget;
  /**
   * The regions whose workers check it, as stored: empty for the installation's default region
   * (DEFAULT_REGION); see regionsOf.
   */
  regions: readonly string[];
}

/** regionsOf resolves a schedule's regions: its own, else the installation's default one. */
export function regionsOf(schedule: Pick<MonitorSchedule, "regions">, defaultRegion: string) {
  return schedule.regions.length > 0 ? schedule.regions : [defaultRegion];
}

/**
 * Completed jobs are removed at once (results live in Postgres); a bounded number of failed
 * ones is kept for inspection. One attempt: a check retried later is stale, the next
 * interval's check is the retry.
 */
export const CHECK_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: { count: 1000, age: 24 * 3600 },
};

/** createCheckQueue opens a region's check queue on the given connection and key prefix. */
export function createCheckQueue(
  connection: ConnectionOptions,
  prefix: string,
  region: string = LOCAL_REGION,
): CheckQueue {
  return new Queue<JsonObject, void, string>(checkQueueName(region), { connection, prefix });
}

/** encodeCheckJob turns a schedule into the check the schedule keeps for its monitor. */
export function encodeCheckJob(schedule: MonitorSchedule): JsonObject {
  const job = create(CheckJobSchema, {
    monitorId: schedule.monitorId,
    orgId: schedule.orgId,
    target: schedule.target,
    intervalSeconds: schedule.intervalSeconds,
  });
  return toJson(CheckJobSchema, job) as JsonObject;
}

/** encodeCheckBatch turns checks into job data (protobuf JSON, readable in Redis). */
export function encodeCheckBatch(checks: readonly CheckJob[]): JsonObject {
  return toJson(CheckBatchSchema, create(CheckBatchSchema, { checks: [...checks] })) as JsonObject;
}

/**
 * addCheckBatch queues checks as one check job, started `delayMs` from now (none if it is not
 * positive). Every job of checks but the dispatcher's is added through it, so each gets the same
 * name, encoding and options; the dispatcher adds slots' jobs in bulk (check-dispatcher.ts).
 */
export function addCheckBatch(
  queue: Pick<CheckQueue, "add">,
  checks: readonly CheckJob[],
  delayMs = 0,
  jobId?: string,
): Promise<Job<JsonObject, void, string>> {
  return queue.add(CHECK_JOB_NAME, encodeCheckBatch(checks), {
    ...CHECK_JOB_OPTIONS,
    delay: Math.max(0, delayMs),
    jobId,
  });
}

/**
 * immediateCheckJobId names a monitor's immediate check in a region's queue: while one waits
 * (a region whose workers are all stopped), another change of the monitor adds nothing, so a
 * stream of edits cannot pile up jobs that nobody takes. Removed on completion, the id is free
 * again for the next change; a failed one, kept for inspection, holds it until removed, and the
 * monitor's changes meanwhile get no immediate check (its slots' checks still come).
 */
export function immediateCheckJobId(monitorId: string): string {
  return `now-${monitorId}`;
}

/**
 * decodeCheckBatch parses job data into its checks; it throws on data that is neither a
 * CheckBatch nor a CheckJob. A CheckJob is the data of a job queued by a version that made a
 * job per check (a job scheduler's, or an immediate one): it was meant to run when BullMQ was
 * to start it.
 */
export function decodeCheckBatch(
  data: JsonObject,
  job: { timestamp: number; opts: { delay?: number } },
): CheckJob[] {
  if (Array.isArray(data.checks)) {
    return fromJson(CheckBatchSchema, data, { ignoreUnknownFields: true }).checks;
  }
  const check = fromJson(CheckJobSchema, data, { ignoreUnknownFields: true });
  check.scheduledAtMs = job.timestamp + (job.opts.delay ?? 0);
  return [check];
}

/**
 * SCHEDULE_GRAIN_MS is the grid checks start on: offsets are whole multiples of it (plus 1 ms),
 * so at 200 checks/s some twenty checks fall due together every 100 ms, and a worker claims
 * them in one call and queues them as one job (internal/checks/queue/check-dispatcher.ts). A
 * check's intended start is still its slot, so lateness is measured as before; the checks of
 * one slot start a few ms apart.
 */
export const SCHEDULE_GRAIN_MS = 100;

/**
 * scheduleOffsetMs gives each monitor a stable start offset within its interval, from a hash of
 * its id. BullMQ aligns `every` to the clock, so without it 10,000 monitors at 60 s would all
 * fire in the same second; with it they spread evenly over the interval's slots of
 * SCHEDULE_GRAIN_MS, and the spread survives Redis losing its data (the offset does not depend
 * on when the scheduler was created).
 */
export function scheduleOffsetMs(monitorId: string, intervalMs: number): number {
  // FNV-1a, 32 bit: cheap and well spread over uuid strings.
  let hash = 0x811c9dc5;
  for (let i = 0; i < monitorId.length; i++) {
    hash ^= monitorId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  const slots = Math.max(1, Math.floor(intervalMs / SCHEDULE_GRAIN_MS));
  // 1 ms past the grid: a claim at the grid's tick finds the slot due however the clocks of
  // worker and Redis round. (BullMQ's job schedulers, which this once fed, also treat 0 as none.)
  return 1 + ((hash >>> 0) % slots) * SCHEDULE_GRAIN_MS;
}
