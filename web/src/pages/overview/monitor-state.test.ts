import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { CheckResultSchema } from "../../../../gen/pulsar/v1/check_pb";
import { MonitorSchema, MonitorStatus } from "../../../../gen/pulsar/v1/monitor_pb";
import { countStatuses, statusKind, withResult } from "./monitor-state";

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
