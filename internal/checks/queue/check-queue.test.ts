import { randomUUID } from "node:crypto";
import { create, type JsonObject } from "@bufbuild/protobuf";
import type { JobsOptions } from "bullmq";
import { describe, expect, it } from "vitest";
import { CheckJobSchema } from "../../../gen/pulsar/v1/check_pb.js";
import {
  addCheckBatch,
  CHECK_JOB_NAME,
  CHECK_JOB_OPTIONS,
  type CheckQueue,
  decodeCheckBatch,
  SCHEDULE_GRAIN_MS,
  scheduleOffsetMs,
} from "./check-queue.js";

describe("addCheckBatch", () => {
  /** recordingQueue is a queue that keeps what addCheckBatch hands it, and queues nothing. */
  const recordingQueue = () => {
    const added: { name: string; data: JsonObject; opts: JobsOptions | undefined }[] = [];
    const queue = {
      add: async (name: string, data: JsonObject, opts?: JobsOptions) => {
        added.push({ name, data, opts });
        return {} as Awaited<ReturnType<CheckQueue["add"]>>;
      },
    };
    return { queue, added };
  };
  const check = () => create(CheckJobSchema, { monitorId: randomUUID(), scheduledAtMs: 1000 });

  it("queues the checks as one check job with the check options, to start now", async () => {
    const { queue, added } = recordingQueue();
    const checks = [check(), check()];
    await addCheckBatch(queue, checks);
    expect(added).toHaveLength(1);
    const [job] = added;
    expect(job?.name).toBe(CHECK_JOB_NAME);
    expect(job?.opts).toEqual({ ...CHECK_JOB_OPTIONS, delay: 0 });
    const decoded = decodeCheckBatch(job?.data ?? {}, { timestamp: 0, opts: {} });
    expect(decoded.map((c) => c.monitorId)).toEqual(checks.map((c) => c.monitorId));
  });

  it("delays the job by the given time, and treats a time already past as none", async () => {
    const { queue, added } = recordingQueue();
    await addCheckBatch(queue, [check()], 2500);
    await addCheckBatch(queue, [check()], -40);
    expect(added.map((job) => job.opts?.delay)).toEqual([2500, 0]);
  });
});

describe("scheduleOffsetMs", () => {
  it("is stable for a monitor and within its interval", () => {
    const id = randomUUID();
    expect(scheduleOffsetMs(id, 60_000)).toBe(scheduleOffsetMs(id, 60_000));
    for (let i = 0; i < 1000; i++) {
      const offset = scheduleOffsetMs(randomUUID(), 10_000);
      expect(offset).toBeGreaterThanOrEqual(1);
      expect(offset).toBeLessThan(10_000);
    }
  });

  it("puts every monitor on the grid, so that checks fall due together", () => {
    const slots = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const offset = scheduleOffsetMs(randomUUID(), 20_000);
      expect((offset - 1) % SCHEDULE_GRAIN_MS).toBe(0);
      slots.add(offset);
    }
    // 1,000 monitors over a 20 s interval's 200 slots: nearly every slot is used.
    expect(slots.size).toBeGreaterThan(190);
    expect(slots.size).toBeLessThanOrEqual(20_000 / SCHEDULE_GRAIN_MS);
  });

  it("spreads 10,000 monitors evenly over a 60 s interval", () => {
    const perSecond = new Array<number>(60).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const second = Math.floor(scheduleOffsetMs(randomUUID(), 60_000) / 1000);
      perSecond[second] = (perSecond[second] ?? 0) + 1;
    }
    // Uniform would be 166.7 per second; a binomial spread stays well within ±35 %.
    expect(Math.min(...perSecond)).toBeGreaterThan(110);
    expect(Math.max(...perSecond)).toBeLessThan(225);
  });
});
