import { create } from "@bufbuild/protobuf";
import { CheckJobSchema } from "../../../gen/pulsar/v1/check_pb.js";
import {
  addCheckBatch,
  type CheckQueue,
  immediateCheckJobId,
  type MonitorSchedule,
  regionsOf,
} from "./check-queue.js";
import type { CheckRegions } from "./check-regions.js";
import type { CheckSchedule } from "./check-schedule.js";

/** MonitorScheduler keeps the check schedules in step with monitors. */
export interface MonitorScheduler {
  /**
   * schedule creates or updates the monitor's entry in the schedule of each region that checks
   * it, and runs a first check now in each.
   */
  schedule(schedule: MonitorSchedule): Promise<void>;
  /** unschedule removes the monitor from the schedules; a check already claimed finishes. */
  unschedule(monitorId: string): Promise<void>;
}

/** RegionalSchedulerDeps are the regions' schedules and queues, and the default region. */
export interface RegionalSchedulerDeps {
  regions: Pick<CheckRegions, "schedule" | "queue" | "remember" | "known">;
  /** DEFAULT_REGION: the region of a monitor that lists none. */
  defaultRegion: string;
  now?: () => number;
}

/**
 * createRegionalScheduler returns the scheduler the API uses on create, update, pause and
 * delete: a monitor is kept in the schedule of each of its regions (regionsOf) and removed
 * from every other region known. Two changes of one monitor at once may leave it in a region
 * it left; that region's reconciliation removes it.
 */
export function createRegionalScheduler(deps: RegionalSchedulerDeps): MonitorScheduler {
  const now = deps.now ?? Date.now;
  return {
    async schedule(schedule) {
      const wanted = regionsOf(schedule, deps.defaultRegion);
      // Remembered before it is written: a region is never in a schedule without being known.
      await deps.regions.remember(wanted);
      const others = (await deps.regions.known()).filter((region) => !wanted.includes(region));
      await Promise.all([
        ...wanted.map((region) => deps.regions.schedule(region).upsert([schedule])),
        ...others.map((region) => deps.regions.schedule(region).remove([schedule.monitorId])),
      ]);
      // The next slot may be up to one interval away: check a new or changed monitor now in
      // each region, so its status is known at once. Overlap with a slot's check is prevented
      // by the worker's per-monitor lock.
      const check = create(CheckJobSchema, { ...schedule, scheduledAtMs: now() });
      const jobId = immediateCheckJobId(schedule.monitorId);
      await Promise.all(
        wanted.map((region) => addCheckBatch(deps.regions.queue(region), [check], 0, jobId)),
      );
    },
    async unschedule(monitorId) {
      const regions = new Set([...(await deps.regions.known()), deps.defaultRegion]);
      await Promise.all(
        [...regions].map((region) => deps.regions.schedule(region).remove([monitorId])),
      );
    },
  };
}

/** MonitorSchedulerDeps are one region's schedule and the queue of its immediate checks. */
export interface MonitorSchedulerDeps {
  schedule: Pick<CheckSchedule, "upsert" | "remove">;
  queue: Pick<CheckQueue, "add">;
  now?: () => number;
}

/**
 * createMonitorScheduler returns a scheduler of one region, whatever regions a monitor lists:
 * for tests whose workers serve that region only. The API uses createRegionalScheduler.
 */
export function createMonitorScheduler(deps: MonitorSchedulerDeps): MonitorScheduler {
  const now = deps.now ?? Date.now;
  return {
    async schedule(schedule) {
      await deps.schedule.upsert([schedule]);
      const check = create(CheckJobSchema, { ...schedule, scheduledAtMs: now() });
      await addCheckBatch(deps.queue, [check]);
    },
    async unschedule(monitorId) {
      await deps.schedule.remove([monitorId]);
    },
  };
}
