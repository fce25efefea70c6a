import { describe, expect, it } from "vitest";
import { TokenBuckets } from "./token-buckets.js";

describe("per-key token buckets", () => {
  it("let a burst through, then one per refill, and say when to come back", () => {
    let clock = 0;
    const buckets = new TokenBuckets({ ratePerSecond: 2, burst: 3, maxKeys: 10, now: () => clock });
    expect([1, 2, 3].map(() => buckets.take("a").ok)).toEqual([true, true, true]);
    expect(buckets.take("a")).toEqual({ ok: false, retryAfterMs: 500 });
    clock += 500;
    expect(buckets.take("a").ok).toBe(true);
    expect(buckets.take("a").ok).toBe(false);
    // Another key has its own bucket.
    expect(buckets.take("b").ok).toBe(true);
  });

  it("keep at most maxKeys buckets under a flood of keys", () => {
    let clock = 0;
    const buckets = new TokenBuckets({
      ratePerSecond: 1,
      burst: 2,
      maxKeys: 100,
      now: () => clock,
    });
    for (let i = 0; i < 1000; i++) {
      expect(buckets.take(`stranger-${i}`).ok).toBe(true);
      clock += 1;
      expect(buckets.size).toBeLessThanOrEqual(100);
    }
  });

  it("drop refilled buckets before a busy one when full", () => {
    let clock = 0;
    const buckets = new TokenBuckets({
      ratePerSecond: 1,
      burst: 2,
      maxKeys: 100,
      now: () => clock,
    });
    buckets.take("busy");
    buckets.take("busy");
    for (let i = 0; i < 99; i++) buckets.take(`stranger-${i}`);
    // 1.5 s later the strangers' buckets are full again (1 + 1.5), the busy one is not (1.5).
    clock += 1500;
    buckets.take("newcomer");
    expect(buckets.size).toBeLessThanOrEqual(100);
    // Its half-empty bucket was kept: one more, not two.
    expect(buckets.take("busy").ok).toBe(true);
    expect(buckets.take("busy").ok).toBe(false);
  });
});
