import { describe, expect, it } from "vitest";
import { formatDuration, waterfallShort } from "./alert-format.js";

describe("alert wording", () => {
  it("shows a waterfall in short, leaving out the phases that did not happen", () => {
    expect(
      waterfallShort({
        $typeName: "pulsar.v1.CheckTiming",
        redirectMs: 0,
        dnsMs: 3.2,
        connectMs: 12,
        tlsMs: 40.4,
        ttfbMs: 210,
        downloadMs: 0.4,
        totalMs: 266,
      }),
    ).toBe("DNS 3 ms · TCP 12 ms · TLS 40 ms · TTFB 210 ms · Download <1 ms");
    expect(waterfallShort(undefined)).toBe("");
  });

  it.each([
    [0, "0 s"],
    [45, "45 s"],
    [252, "4 min 12 s"],
    [120, "2 min"],
    [7500, "2 h 5 min"],
    [7205, "2 h"],
    [59.9, "59 s"],
    [60, "1 min"],
    [90, "1 min 30 s"],
    [3600, "1 h"],
    [5400, "1 h 30 min"],
    [86_400, "1 d"],
    [90_061, "1 d 1 h"],
    [86_400 + 59, "1 d"],
    [3 * 86_400 + 4 * 3600 + 59, "3 d 4 h"],
    [0.4, "0 s"],
    [-5, "0 s"],
    [Number.NaN, "0 s"],
  ])("says %d seconds as %s", (seconds, words) => {
    expect(formatDuration(seconds)).toBe(words);
  });
});
