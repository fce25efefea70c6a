import { create, toJson } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { CheckResultSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { MonitorSpecSchema, RegionRule } from "../../../gen/pulsar/v1/monitor_pb.js";
import { resultFixture } from "../../../test/support/fixtures.js";
import { InvalidArgumentError } from "../../core/errors.js";
import {
  ownRegionLatest,
  regionLatestOf,
  regionResultsOf,
  regionStatesOf,
  resolveRegions,
} from "./monitor-regions.js";

const spec = (regions: string[], regionRule = RegionRule.UNSPECIFIED) =>
  create(MonitorSpecSchema, { regions, regionRule });
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error.message;
    throw error;
  }
  throw new Error("not refused");
};

describe("resolveRegions", () => {
  it("keeps the regions in the order given and reads an unset rule as majority", () => {
    expect(resolveRegions(spec(["b", "a-1"]), "monitor", "http")).toEqual({
      regions: ["b", "a-1"],
      regionRule: "majority",
    });
    expect(resolveRegions(spec([], RegionRule.ANY), "monitor", "tcp")).toEqual({
      regions: [],
      regionRule: "any",
    });
    expect(resolveRegions(spec([], RegionRule.ALL), "monitor", "heartbeat").regionRule).toBe("all");
  });

  it("refuses too many, malformed and repeated regions, naming the field and index", () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `r${i}`);
    expect(refusal(() => resolveRegions(spec(eleven), "monitor", "http"))).toBe(
      "monitor.regions must have at most 10 regions",
    );
    for (const bad of ["", "EU", "-eu", "eu_west", "a".repeat(64)]) {
      expect(refusal(() => resolveRegions(spec(["ok", "fine", bad]), "monitor", "dns"))).toMatch(
        /^monitor\.regions\[2\] must be 1–63 of a–z/,
      );
    }
    expect(resolveRegions(spec(["a".repeat(63)]), "monitor", "http").regions).toHaveLength(1);
    expect(refusal(() => resolveRegions(spec(["a", "b", "a"]), "monitor", "http"))).toBe(
      'monitor.regions[2] repeats region "a"',
    );
  });

  it("refuses regions on a heartbeat monitor and an unknown rule", () => {
    expect(refusal(() => resolveRegions(spec(["a"]), "monitor", "heartbeat"))).toMatch(
      /^monitor\.regions must be empty for heartbeat monitors/,
    );
    expect(refusal(() => resolveRegions(spec([], 7 as RegionRule), "monitor", "http"))).toMatch(
      /^monitor\.regionRule must be REGION_RULE_ANY/,
    );
  });
});

describe("regionResultsOf", () => {
  it("gives each region in order its latest result, silent when absent or older than two intervals", () => {
    const now = new Date("2026-12-07T12:00:00Z");
    const row = (region: string, agoMs: number, up: boolean) => {
      const result = resultFixture({ monitorId: "m", checkedAtMs: now.getTime() - agoMs, up });
      result.region = region;
      return {
        region,
        last_checked_at: new Date(now.getTime() - agoMs),
        last_result: toJson(CheckResultSchema, result),
      };
    };
    const results = regionResultsOf(
      ["c", "b", "a", "d"],
      // Interval 60 s: two intervals is 120 s.
      regionLatestOf([row("a", 120_000, true), row("b", 120_001, false), row("c", 1000, false)]),
      60,
      now,
    );
    expect(results.map((r) => [r.region, r.silent, r.result?.up, r.result?.region])).toEqual([
      ["c", false, false, "c"],
      ["b", true, false, "b"],
      ["a", false, true, "a"],
      ["d", true, undefined, undefined],
    ]);
  });
});

describe("regionStatesOf", () => {
  it("gives each region of several in order its latest up, silent past two intervals as for the vote", () => {
    const now = new Date("2026-12-07T12:00:00Z");
    const at = (agoMs: number) => new Date(now.getTime() - agoMs);
    const states = regionStatesOf(
      ["c", "b", "a", "d"],
      [
        { region: "a", up: true, checkedAt: at(120_000) },
        { region: "b", up: true, checkedAt: at(120_001) },
        { region: "c", up: false, checkedAt: at(1000) },
      ],
      60,
      now,
    );
    expect(
      states.map((s) => [s.region, s.up, s.silent, s.checkedAt && timestampMs(s.checkedAt)]),
    ).toEqual([
      ["c", false, false, at(1000).getTime()],
      ["b", true, true, at(120_001).getTime()],
      ["a", true, false, at(120_000).getTime()],
      ["d", false, true, undefined],
    ]);
    expect(regionStatesOf(["a"], [{ region: "a", up: true, checkedAt: now }], 60, now)).toEqual([]);
    expect(regionStatesOf([], [], 60, now)).toEqual([]);
  });
});

describe("ownRegionLatest", () => {
  it("gives a monitor of one region its own latest result, and nothing before its first check", () => {
    const now = new Date("2026-12-07T12:00:00Z");
    const lastResult = resultFixture({
      monitorId: "m",
      checkedAtMs: now.getTime() - 5000,
      up: false,
    });
    const [latest] = regionResultsOf(
      ["eu"],
      ownRegionLatest({ regions: ["eu"], lastResult }),
      60,
      now,
    );
    expect([latest?.region, latest?.silent, latest?.result?.up]).toEqual(["eu", false, false]);
    const [none] = regionResultsOf(
      ["eu"],
      ownRegionLatest({ regions: ["eu"], lastResult: undefined }),
      60,
      now,
    );
    expect([none?.region, none?.silent, none?.result]).toEqual(["eu", true, undefined]);
  });
});
