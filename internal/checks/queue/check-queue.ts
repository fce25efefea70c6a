import { create, fromJson, type JsonObject, toJson } from "@bufbuild/protobuf";
import type { ConnectionOptions, JobSchedulerTemplateOptions } from "bullmq";
import { Queue } from "bullmq";
import {
  type CheckJob,
  CheckJobSchema,
  type CheckTarget,
} from "../../../gen/pulsar/v1/check_pb.js";

/** CHECK_QUEUE is the BullMQ queue every check job goes through. */
export const CHECK_QUEUE = "checks";

/** CHECK_JOB_NAME names scheduled and immediate check jobs alike. */
export const CHECK_JOB_NAME = "check";

/** CheckQueue is the BullMQ queue of check jobs; its data is the JSON form of pulsar.v1.CheckJob. */
export type CheckQueue = Queue<JsonObject, void, string>;

/**
 * MonitorSchedule is what the scheduler needs to know about one enabled monitor, built by
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
}

/**
 * Completed jobs are removed at once (results live in Postgres); a bounded number of failed
 * ones is kept for inspection. One attempt: a check retried later is stale, the next
 * interval's check is the retry.
 */
export const CHECK_JOB_OPTIONS: JobSchedulerTemplateOptions = {
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: { count: 1000, age: 24 * 3600 },
};

/** createCheckQueue opens the check queue on the given connection and key prefix. */
export function createCheckQueue(connection: ConnectionOptions, prefix: string): CheckQueue {
  return new Queue<JsonObject, void, string>(CHECK_QUEUE, { connection, prefix });
}

/** encodeCheckJob turns a schedule into job data (protobuf JSON, readable in Redis). */
export function encodeCheckJob(schedule: MonitorSchedule): JsonObject {
  const job = create(CheckJobSchema, {
    monitorId: schedule.monitorId,
    orgId: schedule.orgId,
    target: schedule.target,
    intervalSeconds: schedule.intervalSeconds,
  });
  return toJson(CheckJobSchema, job) as JsonObject;
}

/** decodeCheckJob parses job data; it throws on data that is not a CheckJob. */
export function decodeCheckJob(data: JsonObject): CheckJob {
  return fromJson(CheckJobSchema, data, { ignoreUnknownFields: true });
}

/**
 * SCHEDULE_GRAIN_MS is the grid checks start on: offsets are whole multiples of it (plus 1 ms),
 * so at 200 checks/s some twenty jobs fall due together every 100 ms and the worker fetches
 * them in one wake-up (BullMQ's blocking pop, the promotion of delayed jobs) instead of one
 * each, the largest part of what BullMQ cost per check. A check's intended start is still its
 * slot, so lateness is measured as before; the checks of one slot start a few ms apart.
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
  // BullMQ treats offset 0 as "none" and then derives one from the creation time: 1 ms past
  // the slot keeps it >= 1 (and below the interval).
  return 1 + ((hash >>> 0) % slots) * SCHEDULE_GRAIN_MS;
}
