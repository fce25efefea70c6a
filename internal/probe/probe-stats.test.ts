import { describe, expect, it } from "vitest";
import { createProbeStats } from "./probe-stats.js";

describe("createProbeStats", () => {
  it("gives the last minute's checks per second and lateness p99, read once per second", () => {
    let nowMs = 1_000_000;
    const stats = createProbeStats(() => nowMs);
    // 200 checks in one second, late 1..200 ms: p99 is the 198th.
    for (let late = 200; late >= 1; late--) stats.observe(late);
    expect(stats.snapshot()).toEqual({ checksPerSecond: 200 / 60, latenessP99Ms: 198 });
    // Within the same second the figures are the ones read at its start.
    stats.observe(5000);
    expect(stats.snapshot().latenessP99Ms).toBe(198);
    // The next second counts it.
    nowMs += 1000;
    expect(stats.snapshot()).toEqual({ checksPerSecond: 201 / 60, latenessP99Ms: 199 });
    // A minute later the window is empty.
    nowMs += 61_000;
    expect(stats.snapshot()).toEqual({ checksPerSecond: 0, latenessP99Ms: 0 });
  });
});
