import { describe, expect, it } from "vitest";
import { bucketDeltas, counterDelta, histogramQuantile, sampleDeltas } from "./maths.js";
import type { PublishedRegistry, Sample } from "./published.js";

const reading = (at: number, samples: Record<string, Sample[]>): PublishedRegistry => ({
  v: 1,
  kind: "worker",
  id: "w:1",
  at,
  samples,
});

/** Cumulative buckets of a histogram with bounds 0.1, 0.5, 1 and +Inf. */
const buckets = (name: string, counts: [number, number, number, number], labels = {}) =>
  ({
    [`${name}_bucket`]: (["0.1", "0.5", "1", "+Inf"] as const).map(
      (le, i) => [{ ...labels, le }, counts[i] ?? 0] as Sample,
    ),
  }) satisfies Record<string, Sample[]>;

describe("counterDelta", () => {
  it("is the growth of a counter", () => expect(counterDelta(15, 10)).toBe(5));
  it("takes a counter that went down as a restart: all of its new value is new", () =>
    expect(counterDelta(3, 10)).toBe(3));
  it("counts a series absent before from zero", () => expect(counterDelta(4, undefined)).toBe(4));
});

describe("sampleDeltas", () => {
  it("sums the growth of the series of each group, restarts included", () => {
    const older = reading(0, {
      pulsar_checks_total: [
        [{ outcome: "up", error_kind: "none" }, 100],
        [{ outcome: "down", error_kind: "timeout" }, 10],
        [{ outcome: "down", error_kind: "dns" }, 50],
      ],
    });
    const newer = reading(10_000, {
      pulsar_checks_total: [
        [{ error_kind: "none", outcome: "up" }, 130],
        [{ outcome: "down", error_kind: "timeout" }, 12],
        // Lower than before: the worker restarted and counted 5 since.
        [{ outcome: "down", error_kind: "dns" }, 5],
        [{ outcome: "down", error_kind: "tls" }, 1],
      ],
    });
    const deltas = sampleDeltas("pulsar_checks_total", newer, older, (l) => l.outcome);
    expect(Object.fromEntries(deltas)).toEqual({ up: 30, down: 8 });
  });
});

describe("histogramQuantile", () => {
  it("interpolates inside the bucket holding the rank, the first one from zero", () => {
    const cumulative = new Map([
      [0.1, 50],
      [0.5, 90],
      [1, 100],
      [Infinity, 100],
    ]);
    // Rank 50 of 100: the top of the first bucket.
    expect(histogramQuantile(0.5, cumulative)).toBeCloseTo(0.1);
    // Rank 25: halfway through [0, 0.1].
    expect(histogramQuantile(0.25, cumulative)).toBeCloseTo(0.05);
    // Rank 70: halfway through (0.1, 0.5].
    expect(histogramQuantile(0.7, cumulative)).toBeCloseTo(0.3);
    // Rank 99: nine tenths into (0.5, 1].
    expect(histogramQuantile(0.99, cumulative)).toBeCloseTo(0.95);
  });

  it("answers the highest finite bound when the rank falls in +Inf", () => {
    const cumulative = new Map([
      [0.1, 1],
      [0.5, 1],
      [1, 2],
      [Infinity, 10],
    ]);
    expect(histogramQuantile(0.99, cumulative)).toBe(1);
  });

  it("is zero without observations", () => {
    expect(histogramQuantile(0.5, new Map([[Infinity, 0]]))).toBe(0);
    expect(histogramQuantile(0.5, new Map())).toBe(0);
  });
});

describe("bucketDeltas", () => {
  const name = "pulsar_rpc_duration_seconds";

  it("counts the observations between two readings, per group", () => {
    const older = reading(0, {
      ...buckets(name, [10, 10, 10, 10], { method: "A" }),
    });
    const newer = reading(5000, {
      [`${name}_bucket`]: [
        ...(buckets(name, [12, 20, 20, 20], { method: "A" })[`${name}_bucket`] ?? []),
        ...(buckets(name, [0, 1, 2, 2], { method: "B" })[`${name}_bucket`] ?? []),
      ],
    });
    const into = new Map<string, Map<number, number>>();
    bucketDeltas(name, newer, older, (l) => l.method, into);
    expect([...(into.get("A") ?? [])]).toEqual([
      [0.1, 2],
      [0.5, 10],
      [1, 10],
      [Infinity, 10],
    ]);
    expect([...(into.get("B") ?? [])]).toEqual([
      [0.1, 0],
      [0.5, 1],
      [1, 2],
      [Infinity, 2],
    ]);
  });

  it("takes a histogram whose total went down as restarted: all of it is new", () => {
    const older = reading(0, buckets(name, [100, 200, 300, 300]));
    const newer = reading(5000, buckets(name, [1, 2, 3, 3]));
    const into = new Map<string, Map<number, number>>();
    bucketDeltas(name, newer, older, () => "", into);
    expect(into.get("")?.get(Infinity)).toBe(3);
    expect(into.get("")?.get(0.1)).toBe(1);
  });

  it("adds the processes' observations into one histogram", () => {
    const into = new Map<string, Map<number, number>>();
    const older = reading(0, buckets(name, [0, 0, 0, 0]));
    bucketDeltas(name, reading(1, buckets(name, [1, 1, 1, 1])), older, () => "", into);
    bucketDeltas(name, reading(1, buckets(name, [0, 3, 3, 3])), older, () => "", into);
    expect(into.get("")?.get(0.1)).toBe(1);
    expect(into.get("")?.get(0.5)).toBe(4);
  });
});
