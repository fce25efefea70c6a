import { describe, expect, it } from "vitest";
import { msToZoned, timeZones, zonedToMs } from "./zoned-time";

describe("zonedToMs", () => {
  it("reads a wall time in the given zone, not the browser's", () => {
    expect(zonedToMs("2026-07-01T09:00", "Europe/Paris")).toBe(Date.UTC(2026, 6, 1, 7, 0));
    expect(zonedToMs("2026-01-15T09:00", "America/New_York")).toBe(Date.UTC(2026, 0, 15, 14, 0));
    expect(zonedToMs("2026-01-15T09:00", "UTC")).toBe(Date.UTC(2026, 0, 15, 9, 0));
  });

  it("moves a time the spring change skips forward by the gap", () => {
    // Paris goes from 02:00 CET to 03:00 CEST on 29 March 2026: 02:30 does not exist.
    expect(zonedToMs("2026-03-29T02:30", "Europe/Paris")).toBe(Date.UTC(2026, 2, 29, 1, 30));
  });

  it("takes the first of the two times the autumn change repeats", () => {
    // Paris goes from 03:00 CEST back to 02:00 CET on 25 October 2026: 02:30 happens twice.
    expect(zonedToMs("2026-10-25T02:30", "Europe/Paris")).toBe(Date.UTC(2026, 9, 25, 0, 30));
  });

  it("refuses what is not a datetime-local value", () => {
    expect(zonedToMs("", "UTC")).toBeUndefined();
    expect(zonedToMs("2026-07-01 09:00", "UTC")).toBeUndefined();
  });
});

describe("msToZoned", () => {
  it("writes an instant as the zone's wall time, and back", () => {
    const at = Date.UTC(2026, 6, 1, 7, 0);
    expect(msToZoned(at, "Europe/Paris")).toBe("2026-07-01T09:00");
    expect(zonedToMs(msToZoned(at, "Asia/Kolkata"), "Asia/Kolkata")).toBe(at);
  });
});

describe("timeZones", () => {
  it("offers UTC and the IANA zones", () => {
    const zones = timeZones();
    expect(zones).toContain("UTC");
    expect(zones).toContain("Europe/Paris");
  });
});
