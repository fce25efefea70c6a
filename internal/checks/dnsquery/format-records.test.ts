import { describe, expect, it } from "vitest";
import { judgeRecords } from "./expectation.js";
import { answerText, formatCaa, formatRecords, MAX_ANSWER_BYTES } from "./format-records.js";

describe("formatRecords", () => {
  it("sorts numbers by value and writes control characters as dig does", () => {
    expect(formatRecords(["20 b.test", "5 c.test", "10 a.test"])).toEqual([
      "5 c.test",
      "10 a.test",
      "20 b.test",
    ]);
    expect(formatRecords(["a\r\nb\u0000", "tab\there"])).toEqual([
      "a\\013\\010b\\000",
      "tab\\009here",
    ]);
  });

  it("gives the same lines whatever order the records came in", () => {
    const records = ["192.0.2.10", "192.0.2.9", "10.0.0.1", "192.0.2.100"];
    expect(formatRecords([...records].reverse())).toEqual(formatRecords(records));
  });
});

describe("formatCaa", () => {
  it("writes flags, tag and the quoted value, whatever the tag", () => {
    expect(formatCaa({ critical: 0, issue: "letsencrypt.org" })).toBe('0 issue "letsencrypt.org"');
    const odd = { critical: 128, tbs: 'a "quoted" \\ value' };
    expect(formatCaa(odd)).toBe('128 tbs "a \\"quoted\\" \\\\ value"');
  });

  it("reads the record as Node 24 gives it, with a type field beside the tag", () => {
    const node24 = { critical: 0, type: "CAA", issue: "letsencrypt.org" };
    expect(formatCaa(node24)).toBe('0 issue "letsencrypt.org"');
  });
});

describe("answerText", () => {
  it("keeps whole records within the bound and says how many it left out", () => {
    const lines = Array.from(
      { length: 200 },
      (_, i) => `${String(i).padStart(3, "0")} ${"x".repeat(96)}`,
    );
    const text = answerText(lines);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    const kept = text.split("\n");
    const note = kept.pop() ?? "";
    expect(kept.every((line, i) => line === lines[i])).toBe(true);
    expect(note).toBe(`… ${200 - kept.length} more records`);
    expect(kept.length).toBeGreaterThan(90);
  });

  it("keeps everything that fits as it is", () => {
    expect(answerText(["a", "b"])).toBe("a\nb");
    expect(answerText([])).toBe("");
  });

  it("cuts a first record too long alone at a character", () => {
    const text = answerText(["é".repeat(MAX_ANSWER_BYTES)]);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    expect(text).toBe("é".repeat(MAX_ANSWER_BYTES / 2));
  });
});

describe("judgeRecords", () => {
  const exact = (expect: string) => ({ expect, expectExact: true });

  it("compares TXT records exactly with their spaces and dots", () => {
    expect(judgeRecords("x.test", "TXT", ["v=spf1 -all."], exact("V=SPF1 -ALL."))).toBeUndefined();
    expect(judgeRecords("x.test", "TXT", ["v=spf1 -all."], exact("v=spf1 -all"))).toBeDefined();
    expect(judgeRecords("x.test", "TXT", ["a  b"], exact("a b"))).toBeDefined();
  });

  it("ignores trailing dots and repeated spaces in names", () => {
    const soa = "ns1.x.test hostmaster.x.test 1 2 3 4 5";
    const spec = exact("ns1.x.test.  hostmaster.x.test. 1 2 3 4 5");
    expect(judgeRecords("x.test", "SOA", [soa], spec)).toBeUndefined();
  });

  it("takes an empty expect as no expectation", () => {
    expect(
      judgeRecords("x.test", "A", ["192.0.2.1"], { expect: " ", expectExact: true }),
    ).toBeUndefined();
  });

  it("quotes a long expectation cut short", () => {
    const failure = judgeRecords("x.test", "A", ["192.0.2.1"], {
      expect: "y".repeat(1000),
      expectExact: false,
    });
    expect(failure?.error.length).toBeLessThan(500);
  });
});
