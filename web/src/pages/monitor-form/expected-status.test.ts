import { describe, expect, it } from "vitest";
import { formatExpectedStatus, parseExpectedStatus } from "./expected-status";

describe("parseExpectedStatus", () => {
  it("reads ranges, single codes and families, with or without spaces", () => {
    expect(parseExpectedStatus("200-399")).toEqual({ ranges: [{ min: 200, max: 399 }] });
    expect(parseExpectedStatus("200,301-302")).toEqual({
      ranges: [
        { min: 200, max: 200 },
        { min: 301, max: 302 },
      ],
    });
    expect(parseExpectedStatus(" 2xx , 404 - 404 ")).toEqual({
      ranges: [
        { min: 200, max: 299 },
        { min: 404, max: 404 },
      ],
    });
  });

  it("takes empty text as no ranges, the server's default", () => {
    expect(parseExpectedStatus("  ")).toEqual({ ranges: [] });
  });

  it("says what is wrong with text it cannot read", () => {
    expect(parseExpectedStatus("200-")).toEqual({ error: expect.stringContaining('"200-"') });
    expect(parseExpectedStatus("ok")).toEqual({ error: expect.stringContaining("200-399") });
    expect(parseExpectedStatus("200-700")).toEqual({
      error: "700 is not an HTTP status (100–599)",
    });
    expect(parseExpectedStatus("399-200")).toEqual({
      error: "399-200: the range ends before it starts",
    });
    expect(parseExpectedStatus(Array(21).fill("200").join(","))).toEqual({
      error: "At most 20 ranges",
    });
  });

  it("reads back what formatExpectedStatus writes", () => {
    const ranges = [
      { min: 200, max: 200 },
      { min: 301, max: 302 },
    ];
    expect(formatExpectedStatus(ranges)).toBe("200, 301-302");
    expect(parseExpectedStatus(formatExpectedStatus(ranges))).toEqual({ ranges });
  });
});
