import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { CheckResultSchema } from "../../../../gen/pulsar/v1/check_pb";
import {
  MonitorSchema,
  MonitorStatus,
  RegionStateSchema,
} from "../../../../gen/pulsar/v1/monitor_pb";
import { countStatuses, statusKind, withResult } from "./monitor-state";
import { regionDotKind } from "./region-states";

const T0 = Date.UTC(2026, 5, 1, 12);
const monitor = (status: MonitorStatus) =>
  create(MonitorSchema, { id: "m", name: "api", enabled: true, status });
const result = (atMs: number, up: boolean, maintenance: boolean) =>
  create(CheckResultSchema, { monitorId: "m", checkedAt: timestampFromMs(atMs), up, maintenance });

describe("a monitor in a maintenance window", () => {
  it("shows maintenance, and is counted apart", () => {
    const inWindow = monitor(MonitorStatus.MAINTENANCE);
    expect(statusKind(inWindow)).toBe("maintenance");
    const counts = countStatuses([inWindow, monitor(MonitorStatus.UP)]);
    expect(counts).toMatchObject({ all: 2, up: 1, down: 0, maintenance: 1 });
  });

  it("stays in maintenance on a failed check marked maintenance, and leaves it on one that is not", () => {
    const failing = withResult(monitor(MonitorStatus.UP), result(T0, false, true));
    expect(failing.status).toBe(MonitorStatus.MAINTENANCE);
    const after = withResult(failing, result(T0 + 60_000, false, false));
    expect(after.status).toBe(MonitorStatus.DOWN);
  });
});

describe("a monitor checked from several regions", () => {
  const regional = (status: MonitorStatus) =>
    create(MonitorSchema, { id: "m", enabled: true, status, regions: ["a", "b", "c"] });

  it("takes the status published with a result, not the result's up", () => {
    // Region a failed, the majority did not: the regions' verdict is UP.
    const stillUp = withResult(
      regional(MonitorStatus.UP),
      result(T0, false, false),
      MonitorStatus.UP,
    );
    expect(stillUp.status).toBe(MonitorStatus.UP);
    expect(stillUp.lastResult?.up).toBe(false);
    const down = withResult(stillUp, result(T0 + 1_000, false, false), MonitorStatus.DOWN);
    expect(down.status).toBe(MonitorStatus.DOWN);
  });

  it("keeps its status when none was published with the result", () => {
    const kept = withResult(regional(MonitorStatus.UP), result(T0, false, false));
    expect(kept.status).toBe(MonitorStatus.UP);
  });
});

describe("a monitor's region dots", () => {
  const dotted = () =>
    create(MonitorSchema, {
      id: "m",
      enabled: true,
      status: MonitorStatus.UP,
      intervalSeconds: 60,
      regions: ["a", "b"],
      regionStates: [
        create(RegionStateSchema, { region: "a", up: true, checkedAt: timestampFromMs(T0) }),
        create(RegionStateSchema, { region: "b", silent: true }),
      ],
    });
  const fromRegion = (region: string, atMs: number, up: boolean) => ({
    ...result(atMs, up, false),
    region,
  });
  const kinds = (m: ReturnType<typeof dotted>, nowMs: number) =>
    m.regionStates.map((s) => regionDotKind(s, m.intervalSeconds, nowMs));

  it("moves only the reporting region's dot, and not back in time", () => {
    const m = withResult(dotted(), fromRegion("b", T0 + 1_000, false), MonitorStatus.UP);
    expect(kinds(m, T0 + 2_000)).toEqual(["up", "down"]);
    expect(m.regionStates[1]?.checkedAt).toEqual(timestampFromMs(T0 + 1_000));
    // Older than a's own last result: a keeps its dot.
    const replayed = withResult(m, fromRegion("a", T0 - 1_000, false));
    expect(kinds(replayed, T0 + 2_000)).toEqual(["up", "down"]);
    // A region the monitor does not list changes nothing.
    const stranger = withResult(m, fromRegion("z", T0 + 5_000, false));
    expect(stranger.regionStates).toBe(m.regionStates);
  });

  it("greys a region whose latest result grows older than two intervals by the page's clock", () => {
    expect(kinds(dotted(), T0 + 120_000)).toEqual(["up", "silent"]);
    expect(kinds(dotted(), T0 + 120_001)).toEqual(["silent", "silent"]);
  });
});
