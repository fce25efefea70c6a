import { create } from "@bufbuild/protobuf";
import { CheckJobSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { addCheckBatch, type CheckQueue, type MonitorSchedule } from "./check-queue.js";
import type { CheckSchedule } from "./check-schedule.js";

/** MonitorScheduler keeps the check schedule in step with monitors. */
export interface MonitorScheduler {
  /** schedule creates or updates the monitor's entry in the schedule and runs a first check now. */
  schedule(schedule: MonitorSchedule): Promise<void>;
  /** unschedule removes the monitor from the schedule; a check already claimed finishes. */
  unschedule(monitorId: string): Promise<void>;
}

/** MonitorSchedulerDeps are the schedule and the queue of the immediate checks. */
export interface MonitorSchedulerDeps {
  schedule: Pick<CheckSchedule, "upsert" | "remove">;
  queue: Pick<CheckQueue, "add">;
  now?: () => number;
}

/** createMonitorScheduler returns the scheduler the API uses on create, update, pause and delete. */
export function createMonitorScheduler(deps: MonitorSchedulerDeps): MonitorScheduler {
  const now = deps.now ?? Date.now;
  return {
    async schedule(schedule) {
      await deps.schedule.upsert([schedule]);
      // The next slot may be up to one interval away: check a new or changed monitor now, so
      // its status is known at once. Overlap with a slot's check is prevented by the worker's
      // per-monitor lock.
      const check = create(CheckJobSchema, { ...schedule, scheduledAtMs: now() });
      await addCheckBatch(deps.queue, [check]);
    },
    async unschedule(monitorId) {
      await deps.schedule.remove([monitorId]);
    },
  };
}
