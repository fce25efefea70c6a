import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { MonitorKind, MonitorSchema } from "../../../gen/pulsar/v1/monitor_pb";
import { ListRegionsResponseSchema } from "../../../gen/pulsar/v1/region_pb";
import { livenessOf, silentRegionsOf } from "./region-liveness";

const liveness = livenessOf(
  create(ListRegionsResponseSchema, {
    regions: [
      { name: "eu-west", live: true },
      { name: "us-east", live: false },
      { name: "ap-south", live: false },
    ],
  }),
);
const monitor = (regions: string[], kind = MonitorKind.HTTP) =>
  create(MonitorSchema, { regions, kind });

describe("silentRegionsOf", () => {
  it("names the regions a monitor lists that nothing serves, in the monitor's order", () => {
    expect(silentRegionsOf(monitor(["us-east", "eu-west", "ap-south"]), liveness)).toEqual([
      "us-east",
      "ap-south",
    ]);
    expect(silentRegionsOf(monitor(["eu-west"]), liveness)).toEqual([]);
  });

  it("names none while liveness is unknown, nor a region ListRegions did not name", () => {
    expect(silentRegionsOf(monitor(["us-east"]), undefined)).toEqual([]);
    expect(silentRegionsOf(monitor(["sa-east"]), liveness)).toEqual([]);
  });

  it("never flags a heartbeat: its pings arrive whatever serves its regions", () => {
    expect(silentRegionsOf(monitor(["us-east"], MonitorKind.HEARTBEAT), liveness)).toEqual([]);
    expect(silentRegionsOf(monitor(["us-east"], MonitorKind.TCP), liveness)).toEqual(["us-east"]);
  });
});
