import { describe, expect, it } from "vitest";
import { hostStatus } from "./host-status";

const base = { online: true, lastSeenMs: 0, intervalMs: 2000 };

describe("hostStatus", () => {
  it("is live while a sample arrived within three intervals", () => {
    expect(hostStatus({ ...base, lastSampleMs: 10_000, nowMs: 16_000 }).kind).toBe("live");
  });

  it("is stale after three intervals without a sample, though the list says online", () => {
    expect(hostStatus({ ...base, lastSampleMs: 10_000, nowMs: 16_001 })).toEqual({
      kind: "stale",
      lastSampleMs: 10_000,
      intervalMs: 2000,
    });
  });

  it("is offline when the list says so and no fresh sample contradicts it", () => {
    const status = hostStatus({
      ...base,
      online: false,
      lastSeenMs: 5000,
      lastSampleMs: 0,
      nowMs: 60_000,
    });
    expect(status).toEqual({ kind: "offline", lastSeenMs: 5000 });
  });

  it("trusts a fresh sample over an offline verdict polled earlier", () => {
    expect(hostStatus({ ...base, online: false, lastSampleMs: 59_000, nowMs: 60_000 }).kind).toBe(
      "live",
    );
  });

  it("waits for the first sample of an online host", () => {
    expect(hostStatus({ ...base, lastSampleMs: 0, nowMs: 60_000 }).kind).toBe("waiting");
  });
});
