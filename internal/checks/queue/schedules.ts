import {
  CHECK_JOB_NAME,
  CHECK_JOB_OPTIONS,
  type CheckQueue,
  encodeCheckJob,
  type MonitorSchedule,
  scheduleOffsetMs,
} from "./check-queue.js";

/** MonitorScheduler keeps BullMQ job schedulers in step with monitors. */
export interface MonitorScheduler {
  /** schedule creates or updates the monitor's job scheduler and runs a first check now. */
  schedule(schedule: MonitorSchedule): Promise<void>;
  /** unschedule removes the monitor's job scheduler; a check already running finishes. */
  unschedule(monitorId: string): Promise<void>;
}

/** upsertSchedule creates or replaces the job scheduler of one monitor, keyed by its id. */
export async function upsertSchedule(queue: CheckQueue, schedule: MonitorSchedule): Promise<void> {
  const every = schedule.intervalSeconds * 1000;
  await queue.upsertJobScheduler(
    schedule.monitorId,
    { every, offset: scheduleOffsetMs(schedule.monitorId, every) },
    { name: CHECK_JOB_NAME, data: encodeCheckJob(schedule), opts: CHECK_JOB_OPTIONS },
  );
}

/** createMonitorScheduler returns the scheduler the API uses on create, update, pause and delete. */
export function createMonitorScheduler(queue: CheckQueue): MonitorScheduler {
  return {
    async schedule(schedule) {
      await upsertSchedule(queue, schedule);
      // The scheduled slot may be up to one interval away: check a new or changed monitor now,
      // so its status is known at once. Overlap with a scheduled check is prevented by the
      // worker's per-monitor lock.
      await queue.add(CHECK_JOB_NAME, encodeCheckJob(schedule), CHECK_JOB_OPTIONS);
    },
    async unschedule(monitorId) {
      await queue.removeJobScheduler(monitorId);
    },
  };
}
