import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { HostSampleSchema } from "../../../../gen/pulsar/v1/host_pb";
import { mergeSamples, sampleIntervalMs, sampleTime } from "./live-window";

const at = (ms: number) => create(HostSampleSchema, { sampledAt: timestampFromMs(ms) });

describe("mergeSamples", () => {
  it("drops samples a replay repeats and puts missed ones in time order", () => {
    const held = [at(1000), at(3000)];
    const merged = mergeSamples(held, [at(3000), at(2000), at(4000)]);
    expect(merged.map(sampleTime)).toEqual([1000, 2000, 3000, 4000]);
  });

  it("keeps only the newest samples of the window", () => {
    const merged = mergeSamples([], [at(1), at(2), at(3), at(4)], 3);
    expect(merged.map(sampleTime)).toEqual([2, 3, 4]);
  });
});

describe("sampleIntervalMs", () => {
  it("takes the median gap, so one late sample does not move it", () => {
    expect(sampleIntervalMs([at(0), at(2000), at(4000), at(9000), at(11_000)])).toBe(2000);
  });

  it("is unknown with a single sample", () => {
    expect(sampleIntervalMs([at(0)])).toBeUndefined();
  });
});
