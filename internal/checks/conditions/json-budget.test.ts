import { describe, expect, it } from "vitest";
import { tooManyContainers } from "./json-budget.js";

describe("tooManyContainers", () => {
  it("counts arrays and objects up to the limit, and one past it", () => {
    expect(tooManyContainers('[{"a":[1]},{}]', 4)).toBe(false);
    expect(tooManyContainers('[{"a":[1]},{},[]]', 4)).toBe(true);
    expect(tooManyContainers("1", 0)).toBe(false);
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    expect(tooManyContainers('["[[[{{{", "\\"[[[", "\\\\", {}]', 2)).toBe(false);
    // After an escaped backslash the quote closes the string: the bracket after it counts.
    expect(tooManyContainers('["\\\\", [], []]', 2)).toBe(true);
  });
});
