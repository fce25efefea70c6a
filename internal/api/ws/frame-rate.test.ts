import { describe, expect, it } from "vitest";
import { FrameBucket } from "./frame-rate.js";

describe("FrameBucket", () => {
  it("allows a burst, then frames at the rate, and refuses anything faster", () => {
    let now = 0;
    const bucket = new FrameBucket({ perSecond: 10, burst: 20 }, () => now);
    const taken = Array.from({ length: 25 }, () => bucket.take());
    expect(taken.filter(Boolean)).toHaveLength(20);
    expect(taken.slice(20)).toEqual([false, false, false, false, false]);
    now += 100; // one frame's worth at 10 per second
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 60_000; // a long pause refills the burst and no more
    expect(Array.from({ length: 21 }, () => bucket.take()).filter(Boolean)).toHaveLength(20);
  });
});
