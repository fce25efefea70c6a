import { describe, expect, it } from "vitest";
import { KEYWORD_WINDOW_BYTES, KeywordScanner } from "./body.js";

function scan(keyword: string, chunks: (string | Buffer)[]): boolean {
  const scanner = new KeywordScanner(keyword);
  for (const chunk of chunks) scanner.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return scanner.found;
}

describe("KeywordScanner", () => {
  it("finds a keyword inside one chunk and misses an absent one", () => {
    expect(scan("pulsar", ["<p>pulsar</p>"])).toBe(true);
    expect(scan("pulsar", ["<p>pulse</p>"])).toBe(false);
  });

  it("finds a keyword split across two, three or many chunks", () => {
    expect(scan("pulsar", ["...pul", "sar..."])).toBe(true);
    expect(scan("pulsar", ["...p", "uls", "ar"])).toBe(true);
    expect(scan("pulsar", [..."xxpulsarxx"])).toBe(true);
    expect(scan("pulsar", ["pul", "x", "sar"])).toBe(false);
  });

  it("matches UTF-8 keywords byte for byte, even split inside a character", () => {
    const body = Buffer.from("état: opérationnel ✓");
    const cut = body.indexOf(0xe2) + 1; // in the middle of "✓"
    expect(scan("opérationnel ✓", [body.subarray(0, cut), body.subarray(cut)])).toBe(true);
    expect(scan("Opérationnel", [body])).toBe(false); // case-sensitive
  });

  it("ignores matches that end past the first MiB", () => {
    const window = Buffer.alloc(KEYWORD_WINDOW_BYTES, "a");
    expect(scan("needle", [window, "needle"])).toBe(false);
    // Straddling the limit is past it too.
    expect(scan("needle", [window.subarray(3), "needle"])).toBe(false);
    expect(scan("needle", [window.subarray(6), "needle"])).toBe(true);
  });
});
