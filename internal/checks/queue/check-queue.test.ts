import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SCHEDULE_GRAIN_MS, scheduleOffsetMs } from "./check-queue.js";

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
