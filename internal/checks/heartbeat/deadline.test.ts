import type { MessageInitShape } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { type HeartbeatSpec, HeartbeatSpecSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { heartbeatDueAfterMiss, heartbeatDueAt, nextCronTime } from "./deadline.js";
import { describeMiss, formatSeconds } from "./miss-words.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const MIN = 60_000;

function spec(fields: MessageInitShape<typeof HeartbeatSpecSchema>): HeartbeatSpec {
  return create(HeartbeatSpecSchema, { graceSeconds: 300, timezone: "UTC", ...fields });
}

describe("a heartbeat's deadline", () => {
  it("is the period plus grace after the last ping", () => {
    const hourly = spec({ periodSeconds: 3600 });
    expect(iso(heartbeatDueAt(hourly, at("2026-12-06T10:00:00Z")))).toBe(
      "2026-12-06T11:05:00.000Z",
    );
  });

  it("takes the documented defaults when period and grace are unset", () => {
    const bare = create(HeartbeatSpecSchema, {});
    expect(iso(heartbeatDueAt(bare, at("2026-12-06T10:00:00Z")))).toBe("2026-12-06T11:05:00.000Z");
  });

  it("is the first cron time strictly after the ping, plus grace", () => {
    const hourly = spec({ cron: "0 * * * *" });
    // A ping just after the 10:00 run answers for it; the next one is expected for 11:00.
    expect(iso(heartbeatDueAt(hourly, at("2026-12-06T10:00:30Z")))).toBe(
      "2026-12-06T11:05:00.000Z",
    );
    // Exactly at a cron time: the next one, strictly after.
    expect(iso(heartbeatDueAt(hourly, at("2026-12-06T10:00:00Z")))).toBe(
      "2026-12-06T11:05:00.000Z",
    );
    // A little early (and within a fraction of a second of the run): still this run's.
    expect(iso(heartbeatDueAt(hourly, at("2026-12-06T09:59:59.500Z")))).toBe(
      "2026-12-06T10:05:00.000Z",
    );
  });

  it("reads cron in the spec's time zone across daylight saving changes", () => {
    const nineInParis = spec({ cron: "0 9 * * *", timezone: "Europe/Paris", graceSeconds: 0 });
    // Winter: 09:00 in Paris is 08:00 UTC; summer: 07:00 UTC.
    expect(iso(heartbeatDueAt(nineInParis, at("2026-03-28T09:00:00Z")))).toBe(
      "2026-03-29T07:00:00.000Z",
    );
    expect(iso(heartbeatDueAt(nineInParis, at("2026-03-27T09:00:00Z")))).toBe(
      "2026-03-28T08:00:00.000Z",
    );
    expect(iso(heartbeatDueAt(nineInParis, at("2026-10-24T09:00:00Z")))).toBe(
      "2026-10-25T08:00:00.000Z",
    );
  });

  it("survives a cron time that the spring change skips, and one the autumn change repeats", () => {
    const halfPastTwo = spec({ cron: "30 2 * * *", timezone: "Europe/Paris", graceSeconds: 60 });
    // 02:30 does not exist on 29 March 2026 in Paris: the run is expected at 03:30 local.
    const spring = heartbeatDueAt(halfPastTwo, at("2026-03-28T12:00:00Z"));
    expect(iso(spring)).toBe("2026-03-29T01:31:00.000Z");
    // 02:30 happens twice on 25 October 2026: one run is expected, then the next day's.
    const autumn = heartbeatDueAt(halfPastTwo, at("2026-10-24T12:00:00Z"));
    expect(iso(autumn)).toBe("2026-10-25T00:31:00.000Z");
    expect(iso(heartbeatDueAfterMiss(halfPastTwo, autumn ?? 0, autumn ?? 0))).toBe(
      "2026-10-26T01:31:00.000Z",
    );
  });

  it("is null for a cron expression that does not parse", () => {
    expect(heartbeatDueAt(spec({ cron: "not a cron" }), at("2026-12-06T10:00:00Z"))).toBeNull();
    expect(nextCronTime("0 0 30 2 *", "UTC", at("2026-12-06T10:00:00Z"))).toBeNull();
  });

  it("gives the same answers from its kept spans as from cron-parser", () => {
    const everyFive = "*/5 * * * *";
    const base = at("2026-12-06T10:00:00Z");
    // In order and out of order: each answer is the next multiple of five minutes.
    for (const offset of [0, 1, 299_999, 300_000, 7 * MIN, 2 * MIN, 61 * MIN, 3 * MIN]) {
      const expected = (Math.floor((base + offset) / (5 * MIN)) + 1) * 5 * MIN;
      expect(iso(nextCronTime(everyFive, "UTC", base + offset))).toBe(iso(expected));
    }
  });
});

describe("the deadline after a missed one", () => {
  it("is a period later for a period", () => {
    const hourly = spec({ periodSeconds: 3600 });
    const due = at("2026-12-06T11:05:00Z");
    expect(iso(heartbeatDueAfterMiss(hourly, due, due + 1000))).toBe("2026-12-06T12:05:00.000Z");
  });

  it("is the next cron time after the missed run, plus grace, for cron", () => {
    const hourly = spec({ cron: "0 * * * *" });
    const due = at("2026-12-06T11:05:00Z");
    expect(iso(heartbeatDueAfterMiss(hourly, due, due + 1000))).toBe("2026-12-06T12:05:00.000Z");
    // A grace longer than the interval: each run keeps its own deadline.
    const everyMinute = spec({ cron: "* * * * *", graceSeconds: 300 });
    const first = at("2026-12-06T10:05:00Z");
    expect(iso(heartbeatDueAfterMiss(everyMinute, first, first + 1000))).toBe(
      "2026-12-06T10:06:00.000Z",
    );
  });

  it("counts from now when deadlines passed while nobody swept", () => {
    const tenMinutes = spec({ periodSeconds: 600, graceSeconds: 60 });
    const due = at("2026-12-06T10:00:00Z");
    const now = at("2026-12-06T15:00:30Z");
    expect(iso(heartbeatDueAfterMiss(tenMinutes, due, now))).toBe("2026-12-06T15:10:30.000Z");
    // The 15:00 run's deadline (15:01) has not passed: it is the next one.
    const hourly = spec({ cron: "0 * * * *", graceSeconds: 60 });
    expect(iso(heartbeatDueAfterMiss(hourly, at("2026-12-06T10:01:00Z"), now))).toBe(
      "2026-12-06T15:01:00.000Z",
    );
  });
});

describe("the words of a missed deadline", () => {
  it("names the period, the grace and the last ping", () => {
    expect(
      describeMiss({
        spec: spec({ periodSeconds: 3600 }),
        dueAtMs: at("2026-12-06T11:05:00Z"),
        startedAtMs: null,
        lastPingAtMs: at("2026-12-06T10:00:00Z"),
      }),
    ).toBe("no ping within 1 h + 5 min grace (last ping 2026-12-06 10:00 UTC)");
  });

  it("names the missed run in the cron's zone", () => {
    expect(
      describeMiss({
        spec: spec({ cron: "0 9 * * *", timezone: "Europe/Paris", graceSeconds: 0 }),
        dueAtMs: at("2026-12-07T08:00:00Z"),
        startedAtMs: null,
        lastPingAtMs: null,
      }),
    ).toBe("no ping for the 2026-12-07 09:00 Europe/Paris run (no ping yet)");
  });

  it("says when a started job did not end within its grace", () => {
    const started = at("2026-12-06T10:00:05Z");
    expect(
      describeMiss({
        spec: spec({ periodSeconds: 3600 }),
        dueAtMs: started + 300_000,
        startedAtMs: started,
        lastPingAtMs: at("2026-12-06T09:00:00Z"),
      }),
    ).toBe("started at 2026-12-06 10:00:05 UTC and did not end within 5 min");
  });

  it("writes durations in their largest units", () => {
    expect(formatSeconds(30)).toBe("30 s");
    expect(formatSeconds(5400)).toBe("1 h 30 min");
    expect(formatSeconds(2 * 86_400)).toBe("2 d");
    expect(formatSeconds(0)).toBe("0 s");
  });
});
