import { describe, expect, it } from "vitest";
import { resultFixture } from "../../../test/support/fixtures.js";
import type { MonitorTransition } from "../../alerts/monitor-transition.js";
import { type AlertRules, type AlertState, evaluateMonitor } from "./monitor-transitions.js";

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const MINUTE = 60_000;

const rules = (overrides: Partial<AlertRules> = {}): AlertRules => ({
  alerting: true,
  confirmations: 2,
  recoveryConfirmations: 1,
  reminderMinutes: 0,
  ...overrides,
});

const fresh = (): AlertState => ({
  status: "unknown",
  lastCheckedUs: null,
  failures: 0,
  successes: 0,
  streakStartedUs: null,
  streakError: "",
  incidentId: null,
  incidentStartedUs: null,
  incidentCause: "",
  lastReminderUs: null,
});

/** results builds one result a minute from T0: "u" up, "d" down. */
const results = (pattern: string, startMinute = 0) =>
  [...pattern].map((c, i) => {
    const result = resultFixture({
      monitorId: "m",
      checkedAtMs: T0 + (startMinute + i) * MINUTE,
      up: c === "u",
    });
    if (c === "d") result.error = `failure ${startMinute + i}`;
    return result;
  });

let ids = 0;
const newId = () => `incident-${++ids}`;
const kinds = (transitions: MonitorTransition[]) => transitions.map((t) => t.kind);

describe("evaluateMonitor", () => {
  it("alerts once when a flapping target goes down and once when it recovers", () => {
    const { transitions, state } = evaluateMonitor(rules(), fresh(), results("ududduudu"), newId);
    expect(kinds(transitions)).toEqual(["down", "recovered"]);
    expect(state.status).toBe("up");
  });

  it("does not alert on fewer failures in a row than confirmations", () => {
    expect(evaluateMonitor(rules(), fresh(), results("uduuduu"), newId).transitions).toEqual([]);
    const three = rules({ confirmations: 3 });
    expect(evaluateMonitor(three, fresh(), results("uddudduu"), newId).transitions).toEqual([]);
    expect(kinds(evaluateMonitor(three, fresh(), results("uddd"), newId).transitions)).toEqual([
      "down",
    ]);
  });

  it("keeps the first failure's time and error as the incident's start and cause", () => {
    const { transitions } = evaluateMonitor(rules(), fresh(), results("uuddd"), newId);
    const down = transitions[0];
    expect(down?.kind).toBe("down");
    if (down?.kind !== "down") return;
    expect(down.cause).toBe("failure 2");
    expect(down.startedUs).toBe(BigInt(T0 + 2 * MINUTE) * 1000n);
    expect(down.result.error).toBe("failure 3");
    expect(down.failures).toBe(2);
  });

  it("needs recoveryConfirmations successes in a row, and dates the end at the first", () => {
    const slow = rules({ recoveryConfirmations: 3 });
    const down = evaluateMonitor(slow, fresh(), results("dd"), newId);
    const flaky = evaluateMonitor(slow, down.state, results("uudu", 2), newId);
    expect(flaky.transitions).toEqual([]);
    expect(flaky.state.status).toBe("down");
    const back = evaluateMonitor(slow, flaky.state, results("uu", 6), newId);
    const recovered = back.transitions[0];
    expect(kinds(back.transitions)).toEqual(["recovered"]);
    if (recovered?.kind !== "recovered") return;
    expect(recovered.endedUs).toBe(BigInt(T0 + 5 * MINUTE) * 1000n);
    expect(recovered.startedUs).toBe(BigInt(T0) * 1000n);
    expect(recovered.cause).toBe("failure 0");
    expect(back.state.incidentId).toBeNull();
  });

  it("goes from unknown to up on a first success without an alert", () => {
    const { transitions, state } = evaluateMonitor(rules(), fresh(), results("u"), newId);
    expect(transitions).toEqual([]);
    expect(state.status).toBe("up");
  });

  it("counts nothing and never alerts while paused, but follows the newest result", () => {
    const paused = rules({ alerting: false });
    const { transitions, state, newest } = evaluateMonitor(paused, fresh(), results("dddd"), newId);
    expect(transitions).toEqual([]);
    expect(state).toMatchObject({ status: "unknown", failures: 0, successes: 0 });
    expect(newest?.error).toBe("failure 3");
  });

  it("ignores results not newer than the last one counted, whatever the order they come in", () => {
    const first = evaluateMonitor(rules(), fresh(), results("ud", 5), newId);
    // Late: older than minute 6, already counted past.
    const late = evaluateMonitor(rules(), first.state, results("dd", 3), newId);
    expect(late.transitions).toEqual([]);
    expect(late.newest).toBeUndefined();
    expect(late.state).toEqual(first.state);
    // Out of order within a batch, plus the same check twice.
    const batch = results("dd", 7).reverse();
    const again = evaluateMonitor(rules(), first.state, [...batch, ...batch], newId);
    expect(kinds(again.transitions)).toEqual(["down"]);
    expect(again.state.failures).toBe(3);
  });

  it("reminds every reminderMinutes of check time while down", () => {
    const remind = rules({ reminderMinutes: 5 });
    const { transitions } = evaluateMonitor(remind, fresh(), results("d".repeat(17)), newId);
    // DOWN at minute 1, then reminders at 6, 11 and 16.
    expect(kinds(transitions)).toEqual(["down", "reminder", "reminder", "reminder"]);
    expect(
      transitions.map((t) => (Number(t.result.checkedAt?.seconds) * 1000 - T0) / MINUTE),
    ).toEqual([1, 6, 11, 16]);
    const none = evaluateMonitor(rules(), fresh(), results("d".repeat(17)), newId);
    expect(kinds(none.transitions)).toEqual(["down"]);
  });

  it("decides nothing during a maintenance window and counts the streak from its end", () => {
    // "m" is a failure during a maintenance window.
    const marked = (pattern: string) =>
      results(pattern.replaceAll("m", "d")).map((result, i) => {
        result.maintenance = pattern[i] === "m";
        return result;
      });
    const during = evaluateMonitor(rules(), fresh(), marked("ummmmm"), newId);
    expect(during.transitions).toEqual([]);
    expect(during.state).toMatchObject({ status: "up", failures: 0 });
    // One failure before the window and one after do not make two in a row.
    expect(evaluateMonitor(rules(), fresh(), marked("udmmdu"), newId).transitions).toEqual([]);
    const after = evaluateMonitor(rules(), fresh(), marked("ummmdd"), newId);
    expect(kinds(after.transitions)).toEqual(["down"]);
    // The incident starts at the first failure after the window (minute 4).
    const first = after.transitions[0];
    expect(first?.kind === "down" && first.startedUs).toBe(BigInt(T0 + 4 * MINUTE) * 1000n);
    // A monitor down before the window gets no reminder during it.
    const down = evaluateMonitor(rules({ reminderMinutes: 1 }), fresh(), marked("ddmmmm"), newId);
    expect(kinds(down.transitions)).toEqual(["down"]);
    expect(down.state.status).toBe("down");
  });
});
