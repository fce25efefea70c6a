import { describe, expect, it } from "vitest";
import { heartbeatDeadline } from "./heartbeat-times";

const NOW = Date.parse("2026-12-06T12:00:00Z");

describe("heartbeatDeadline", () => {
  it("has nothing due while paused, even with a deadline left from before", () => {
    expect(heartbeatDeadline(false, NOW + 60_000, 0, NOW)).toEqual({ state: "paused" });
  });

  it("has none ahead when the server sends no deadline (a schedule with no run ahead)", () => {
    expect(heartbeatDeadline(true, 0, NOW - 60_000, NOW)).toEqual({ state: "none" });
  });

  it("is ahead until the deadline, then late while no result came since", () => {
    expect(heartbeatDeadline(true, NOW + 1, NOW - 60_000, NOW)).toEqual({
      state: "ahead",
      dueMs: NOW + 1,
    });
    expect(heartbeatDeadline(true, NOW, NOW - 60_000, NOW)).toEqual({ state: "late", dueMs: NOW });
  });

  it("has moved once a result (a ping, or the miss) came at or after a passed deadline", () => {
    expect(heartbeatDeadline(true, NOW - 5000, NOW - 5000, NOW)).toEqual({ state: "moved" });
    expect(heartbeatDeadline(true, NOW - 5000, NOW - 1000, NOW)).toEqual({ state: "moved" });
  });
});
