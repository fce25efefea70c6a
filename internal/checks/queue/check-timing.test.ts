import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { CheckJobSchema, CheckTargetSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { DEFAULT_TIMEOUT_MS } from "../http/index.js";
import { slotTimeMs, staleAtMs } from "./check-timing.js";

describe("staleAtMs", () => {
  it("is a whole interval after the check's slot, less the 100 ms a check needs to start", () => {
    const check = create(CheckJobSchema, { scheduledAtMs: 1_000_000, intervalSeconds: 30 });
    expect(staleAtMs(check)).toBe(1_000_000 + 30_000 - 100);
  });

  it("takes a minute for a check queued before checks carried their interval", () => {
    const check = create(CheckJobSchema, { scheduledAtMs: 1_000_000 });
    expect(staleAtMs(check)).toBe(1_000_000 + 60_000 - 100);
  });
});

describe("slotTimeMs", () => {
  it("is the check's timeout and a second", () => {
    const target = create(CheckTargetSchema, { timeoutMs: 5000 });
    expect(slotTimeMs(create(CheckJobSchema, { target }))).toBe(6000);
  });

  it("takes the HTTP check's default timeout for a check without one", () => {
    const target = create(CheckTargetSchema, { timeoutMs: 0 });
    expect(slotTimeMs(create(CheckJobSchema, { target }))).toBe(DEFAULT_TIMEOUT_MS + 1000);
    expect(slotTimeMs(create(CheckJobSchema, {}))).toBe(DEFAULT_TIMEOUT_MS + 1000);
  });
});
