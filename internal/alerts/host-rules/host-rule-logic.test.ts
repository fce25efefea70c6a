import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { HostSampleSchema } from "../../../gen/pulsar/v1/host_pb.js";
import {
  describeTransition,
  holds,
  metricValue,
  type StepState,
  stepRule,
} from "./host-rule-logic.js";

const sample = create(HostSampleSchema, {
  hostId: "web-1",
  cpu: { totalPercent: 91.5, load1: 3.2 },
  memory: { totalBytes: 1000, usedBytes: 250 },
  disks: [
    { mount: "/", sizeBytes: 100, usedBytes: 40 },
    { mount: "/var", sizeBytes: 200, usedBytes: 190 },
    { mount: "/empty", sizeBytes: 0, usedBytes: 0 },
  ],
});

const idle: StepState = { holdingSinceMs: undefined, firing: false };
const cpuAbove90 = { op: "gt", threshold: 90, forSeconds: 60 } as const;
const points = (...pairs: [number, number][]) =>
  pairs.map(([s, value]) => ({ atMs: s * 1000, value }));

describe("metricValue", () => {
  it("reads CPU, load, memory as a percentage of the total, and a mount's or the fullest disk's use", () => {
    expect(metricValue(sample, "cpu_percent", "")).toBe(91.5);
    expect(metricValue(sample, "load1", "")).toBe(3.2);
    expect(metricValue(sample, "memory_percent", "")).toBe(25);
    expect(metricValue(sample, "disk_percent", "/")).toBe(40);
    expect(metricValue(sample, "disk_percent", "")).toBe(95);
  });

  it("says nothing when the sample does not carry the metric, rather than zero", () => {
    const bare = create(HostSampleSchema, { hostId: "web-1" });
    expect(metricValue(bare, "cpu_percent", "")).toBeUndefined();
    expect(metricValue(bare, "memory_percent", "")).toBeUndefined();
    expect(metricValue(bare, "disk_percent", "")).toBeUndefined();
    expect(metricValue(sample, "disk_percent", "/missing")).toBeUndefined();
  });
});

describe("holds", () => {
  it.each([
    ["gt", 90, false],
    ["gte", 90, true],
    ["lt", 90, false],
    ["lte", 90, true],
    ["gt", 91, true],
    ["lt", 89, true],
  ] as const)("%s against 90 with a value of %d is %s", (op, value, expected) => {
    expect(holds(op, value, 90)).toBe(expected);
  });
});

describe("stepRule", () => {
  it("fires once the condition has held for forSeconds, once, and resolves when it clears", () => {
    const held = stepRule(idle, cpuAbove90, points([0, 95], [30, 96], [59, 97]));
    expect(held.transitions).toEqual([]);
    expect(held.state).toEqual({ holdingSinceMs: 0, firing: false });
    const fired = stepRule(held.state, cpuAbove90, points([60, 98], [90, 99]));
    expect(fired.transitions).toEqual([{ kind: "host_firing", atMs: 60_000, value: 98 }]);
    expect(fired.state).toEqual({ holdingSinceMs: 0, firing: true });
    const resolved = stepRule(fired.state, cpuAbove90, points([120, 40]));
    expect(resolved.transitions).toEqual([{ kind: "host_resolved", atMs: 120_000, value: 40 }]);
    expect(resolved.state).toEqual({ holdingSinceMs: undefined, firing: false });
  });

  it("starts over when the condition breaks before forSeconds", () => {
    const { state, transitions } = stepRule(idle, cpuAbove90, points([0, 95], [30, 50], [40, 95]));
    expect(transitions).toEqual([]);
    expect(state).toEqual({ holdingSinceMs: 40_000, firing: false });
  });

  it("fires on the first sample that holds when forSeconds is 0", () => {
    const rule = { ...cpuAbove90, forSeconds: 0 };
    expect(stepRule(idle, rule, points([5, 91])).transitions).toHaveLength(1);
  });

  it("ignores a sample older than the time the condition began to hold", () => {
    const start = { holdingSinceMs: 100_000, firing: true };
    const { state, transitions } = stepRule(start, cpuAbove90, points([50, 10]));
    expect(transitions).toEqual([]);
    expect(state).toEqual(start);
  });
});

describe("describeTransition", () => {
  const rule = { ...cpuAbove90, name: "Hot CPU", metric: "cpu_percent", mount: "" } as const;

  it("words a firing rule with the value, the condition and how long it held", () => {
    expect(
      describeTransition(rule, "web-1", { kind: "host_firing", atMs: 0, value: 95.25 }),
    ).toEqual({
      title: "web-1: CPU above 90 %",
      message: 'Rule "Hot CPU": CPU is 95.3 %, above 90 % for 1 min.',
    });
  });

  it("says how long a long-held condition held in the shared duration wording", () => {
    const slow = { ...rule, forSeconds: 90_061 };
    expect(
      describeTransition(slow, "web-1", { kind: "host_firing", atMs: 0, value: 95 }).message,
    ).toBe('Rule "Hot CPU": CPU is 95 %, above 90 % for 1 d 1 h.');
  });

  it("words a resolved rule", () => {
    const disk = { ...rule, metric: "disk_percent", mount: "/var", op: "gte" } as const;
    expect(describeTransition(disk, "db", { kind: "host_resolved", atMs: 0, value: 42 })).toEqual({
      title: "db: Disk /var back to normal",
      message: 'Rule "Hot CPU" resolved: Disk /var is 42 % (alerts when at or above 90 %).',
    });
  });
});
