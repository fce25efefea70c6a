import { describe, expect, it } from "vitest";
import { formatDuration } from "../../../../shared/duration";
import { duration } from "./describe";

describe("the dashboard's duration wording", () => {
  it("is the very function the server words its alerts with", () => {
    expect(duration).toBe(formatDuration);
  });

  it("says a day and an hour as days and hours, not hours and minutes", () => {
    expect(duration(90_061)).toBe("1 d 1 h");
  });
});
