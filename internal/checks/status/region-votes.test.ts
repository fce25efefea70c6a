import { describe, expect, it } from "vitest";
import { verdictDown } from "./region-votes.js";

describe("a region rule's verdict", () => {
  it("takes a majority monitor down only when more than half the voting regions fail", () => {
    expect(verdictDown("majority", 1, 3)).toBe(false);
    expect(verdictDown("majority", 2, 4)).toBe(false);
    expect(verdictDown("majority", 2, 3)).toBe(true);
    expect(verdictDown("majority", 1, 1)).toBe(true);
  });

  it("takes an `any` monitor down on one failing region and an `all` one when every voter fails", () => {
    expect(verdictDown("any", 1, 3)).toBe(true);
    expect(verdictDown("any", 0, 3)).toBe(false);
    expect(verdictDown("all", 2, 3)).toBe(false);
    expect(verdictDown("all", 3, 3)).toBe(true);
    expect(verdictDown("all", 0, 0)).toBe(false);
  });
});
