import { describe, expect, it } from "vitest";
import { activeAt, type MaintenanceSchedule, occurrences } from "./schedule.js";

const at = (iso: string): Date => new Date(iso);
const starts = (schedule: MaintenanceSchedule, from: string, to: string, limit = 20): string[] =>
  occurrences(schedule, at(from), at(to), limit).map((w) => w.startsAt.toISOString());

// Daylight saving in 2026: Europe/Paris moves 02:00 → 03:00 on Sunday 29 March and 03:00 →
// 02:00 on Sunday 25 October; America/New_York 02:00 → 03:00 on Sunday 8 March.

describe("weekly windows", () => {
  it("opens at 09:00 Paris time on both sides of the spring change", () => {
    const schedule: MaintenanceSchedule = {
      startsAt: at("2026-01-01T00:00:00Z"),
      endsAt: null,
      recurrence: { weekly: { days: [6, 0], startTime: "09:00", durationMinutes: 60 } },
      timezone: "Europe/Paris",
    };
    // Saturday 28 March 09:00 CET (+01:00), Sunday 29 March 09:00 CEST (+02:00).
    expect(starts(schedule, "2026-03-27T00:00:00Z", "2026-03-30T00:00:00Z")).toEqual([
      "2026-03-28T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z",
    ]);
    const window = activeAt(schedule, at("2026-03-29T07:59:00Z"));
    expect(window?.endsAt.toISOString()).toBe("2026-03-29T08:00:00.000Z");
    expect(activeAt(schedule, at("2026-03-29T08:00:00Z"))).toBeNull();
    expect(activeAt(schedule, at("2026-03-29T06:59:00Z"))).toBeNull();
  });

  it("opens at 09:00 New York time on both sides of the spring change", () => {
    const schedule: MaintenanceSchedule = {
      startsAt: at("2026-01-01T00:00:00Z"),
      endsAt: null,
      recurrence: {
        weekly: { days: [0, 1, 2, 3, 4, 5, 6], startTime: "09:00", durationMinutes: 30 },
      },
      timezone: "America/New_York",
    };
    expect(starts(schedule, "2026-03-07T00:00:00Z", "2026-03-09T00:00:00Z")).toEqual([
      "2026-03-07T14:00:00.000Z", // EST, −05:00
      "2026-03-08T13:00:00.000Z", // EDT, −04:00
    ]);
  });

  it("starts a skipped local time at the first instant after the gap", () => {
    const schedule: MaintenanceSchedule = {
      startsAt: at("2026-03-01T00:00:00Z"),
      endsAt: null,
      recurrence: { weekly: { days: [0], startTime: "02:30", durationMinutes: 60 } },
      timezone: "Europe/Paris",
    };
    expect(starts(schedule, "2026-03-21T00:00:00Z", "2026-04-06T00:00:00Z")).toEqual([
      "2026-03-22T01:30:00.000Z", // 02:30 CET
      "2026-03-29T01:00:00.000Z", // 02:30 does not exist: 03:00 CEST, the end of the gap
      "2026-04-05T00:30:00.000Z", // 02:30 CEST
    ]);
  });

  it("starts a repeated local time at its first occurrence", () => {
    const schedule: MaintenanceSchedule = {
      startsAt: at("2026-10-01T00:00:00Z"),
      endsAt: null,
      recurrence: { weekly: { days: [0], startTime: "02:30", durationMinutes: 10 } },
      timezone: "Europe/Paris",
    };
    expect(starts(schedule, "2026-10-24T00:00:00Z", "2026-11-02T00:00:00Z")).toEqual([
      "2026-10-25T00:30:00.000Z", // 02:30 CEST, not the second 02:30 (01:30Z, CET)
      "2026-11-01T01:30:00.000Z", // 02:30 CET
    ]);
  });

  it("counts a window that opened before from and still runs, and cuts windows at the span's end", () => {
    const schedule: MaintenanceSchedule = {
      startsAt: at("2026-05-01T00:00:00Z"),
      endsAt: at("2026-05-04T01:00:00Z"),
      recurrence: { weekly: { days: [0, 1], startTime: "00:00", durationMinutes: 120 } },
      timezone: "UTC",
    };
    const windows = occurrences(
      schedule,
      at("2026-05-03T01:00:00Z"),
      at("2026-06-01T00:00:00Z"),
      5,
    );
    expect(windows.map((w) => [w.startsAt.toISOString(), w.endsAt.toISOString()])).toEqual([
      ["2026-05-03T00:00:00.000Z", "2026-05-03T02:00:00.000Z"],
      ["2026-05-04T00:00:00.000Z", "2026-05-04T01:00:00.000Z"],
    ]);
  });

  it("has no window before its span starts and honours the limit", () => {
    const schedule: MaintenanceSchedule = {
      startsAt: at("2026-05-06T00:00:00Z"),
      endsAt: null,
      recurrence: {
        weekly: { days: [0, 1, 2, 3, 4, 5, 6], startTime: "00:00", durationMinutes: 5 },
      },
      timezone: "UTC",
    };
    expect(starts(schedule, "2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z", 2)).toEqual([
      "2026-05-06T00:00:00.000Z",
      "2026-05-07T00:00:00.000Z",
    ]);
  });
});

describe("cron windows", () => {
  it("opens at 03:00 Paris time on both sides of the spring change", () => {
    const schedule: MaintenanceSchedule = {
      startsAt: at("2026-01-01T00:00:00Z"),
      endsAt: null,
      recurrence: { cron: { expression: "0 3 * * *", durationMinutes: 90 } },
      timezone: "Europe/Paris",
    };
    expect(starts(schedule, "2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z")).toEqual([
      "2026-03-28T02:00:00.000Z", // 03:00 CET
      "2026-03-29T01:00:00.000Z", // 03:00 CEST
    ]);
    expect(activeAt(schedule, at("2026-03-29T02:29:00Z"))?.startsAt.toISOString()).toBe(
      "2026-03-29T01:00:00.000Z",
    );
    expect(activeAt(schedule, at("2026-03-29T02:30:00Z"))).toBeNull();
    expect(activeAt(schedule, at("2026-03-29T00:59:59Z"))).toBeNull();
  });

  it("opens at 03:00 Paris time on both sides of the autumn change", () => {
    const schedule: MaintenanceSchedule = {
      startsAt: at("2026-01-01T00:00:00Z"),
      endsAt: null,
      recurrence: { cron: { expression: "0 3 * * *", durationMinutes: 30 } },
      timezone: "Europe/Paris",
    };
    expect(starts(schedule, "2026-10-24T00:00:00Z", "2026-10-27T00:00:00Z")).toEqual([
      "2026-10-24T01:00:00.000Z", // 03:00 CEST
      "2026-10-25T02:00:00.000Z", // 03:00 CET
      "2026-10-26T02:00:00.000Z",
    ]);
  });

  it("finds the latest of overlapping windows without stepping through every minute", () => {
    const schedule: MaintenanceSchedule = {
      startsAt: at("2026-01-01T00:00:00Z"),
      endsAt: null,
      recurrence: { cron: { expression: "* * * * *", durationMinutes: 10080 } },
      timezone: "UTC",
    };
    const started = performance.now();
    const window = activeAt(schedule, at("2026-06-01T12:00:30Z"));
    expect(window?.startsAt.toISOString()).toBe("2026-06-01T12:00:00.000Z");
    expect(performance.now() - started).toBeLessThan(200);
  });

  it("has no windows for an expression that never fires", () => {
    const schedule: MaintenanceSchedule = {
      startsAt: at("2026-01-01T00:00:00Z"),
      endsAt: null,
      recurrence: { cron: { expression: "0 0 30 2 *", durationMinutes: 10 } },
      timezone: "UTC",
    };
    expect(starts(schedule, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")).toEqual([]);
  });
});

describe("one-off windows", () => {
  const schedule: MaintenanceSchedule = {
    startsAt: at("2026-05-01T10:00:00Z"),
    endsAt: at("2026-05-01T12:00:00Z"),
    recurrence: null,
    timezone: "UTC",
  };

  it("is active from its start, inclusive, to its end, exclusive", () => {
    expect(activeAt(schedule, at("2026-05-01T09:59:59Z"))).toBeNull();
    expect(activeAt(schedule, at("2026-05-01T10:00:00Z"))?.endsAt.toISOString()).toBe(
      "2026-05-01T12:00:00.000Z",
    );
    expect(activeAt(schedule, at("2026-05-01T12:00:00Z"))).toBeNull();
  });

  it("is listed while it overlaps the range", () => {
    expect(starts(schedule, "2026-05-01T11:00:00Z", "2026-05-02T00:00:00Z")).toEqual([
      "2026-05-01T10:00:00.000Z",
    ]);
    expect(starts(schedule, "2026-05-01T12:00:00Z", "2026-05-02T00:00:00Z")).toEqual([]);
  });
});
