import { describe, expect, it } from "vitest";
import { durationInput, parseDuration } from "./duration";

describe("parseDuration", () => {
  it("reads durations as people write them", () => {
    expect(parseDuration("90")).toBe(90);
    expect(parseDuration("90s")).toBe(90);
    expect(parseDuration(" 5m ")).toBe(300);
    expect(parseDuration("5 min")).toBe(300);
    expect(parseDuration("1h 30m")).toBe(5400);
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("1 hour, 30 minutes")).toBe(5400);
    expect(parseDuration("2 days")).toBe(172_800);
    expect(parseDuration("0")).toBe(0);
  });

  it("refuses what it cannot read instead of guessing", () => {
    for (const text of ["", "  ", "1.5h", "5 5", "5x", "h", "-5m", "12345678", "5m extra"]) {
      expect(parseDuration(text), text).toBeNull();
    }
    expect(parseDuration("1m ".repeat(40))).toBeNull();
  });
});

describe("durationInput", () => {
  it("says a duration in the units that are not zero, and parseDuration reads it back", () => {
    const cases: [number, string][] = [
      [0, "0 s"],
      [45, "45 s"],
      [300, "5 min"],
      [5400, "1 h 30 min"],
      [3601, "1 h 1 s"],
      [2_678_400, "31 d"],
    ];
    for (const [seconds, text] of cases) {
      expect(durationInput(seconds)).toBe(text);
      expect(parseDuration(text)).toBe(seconds);
    }
  });
});
