import { describe, expect, it } from "vitest";
import { AnswerReader, KEPT_ANSWER_BYTES, MAX_ANSWER_BYTES } from "./answer-reader.js";

const chunk = (text: string) => Buffer.from(text, "utf8");

describe("AnswerReader", () => {
  it("finds the expected text split over three chunks", () => {
    const reader = new AnswerReader("SSH-2.0");
    expect(reader.push(chunk("SS"))).toBe("more");
    expect(reader.push(chunk("H-2"))).toBe("more");
    expect(reader.push(chunk(".0-OpenSSH\r\n"))).toBe("found");
    expect(reader.text()).toBe("SSH-2.0-OpenSSH\r\n");
  });

  it("does not find text whose pieces are apart", () => {
    const reader = new AnswerReader("+PONG");
    expect(reader.push(chunk("+PO"))).toBe("more");
    expect(reader.push(chunk("x"))).toBe("more");
    expect(reader.push(chunk("NG"))).toBe("more");
    expect(reader.found).toBe(false);
  });

  it("stops at 64 KiB, keeping only the first 1000 bytes", () => {
    const reader = new AnswerReader("never");
    const block = Buffer.alloc(40 * 1024, "x");
    expect(reader.push(block)).toBe("more");
    expect(reader.push(block)).toBe("full");
    expect(reader.bytes).toBe(MAX_ANSWER_BYTES);
    expect(reader.push(block)).toBe("full");
    expect(reader.bytes).toBe(MAX_ANSWER_BYTES);
    expect(reader.text()).toBe("x".repeat(KEPT_ANSWER_BYTES));
  });

  it("does not find text that starts within 64 KiB but ends past it", () => {
    const reader = new AnswerReader("needle");
    reader.push(Buffer.alloc(MAX_ANSWER_BYTES - 3, "x"));
    expect(reader.push(chunk("needle"))).toBe("full");
    expect(reader.found).toBe(false);
  });

  it("shows control characters other than CR, LF and tab as U+FFFD, and cut UTF-8 as U+FFFD", () => {
    const reader = new AnswerReader(undefined);
    expect(reader.push(chunk("OK\u0000\u001b[1m\u202e\t\r\n"))).toBe("more");
    expect(reader.text()).toBe("OK\uFFFD\uFFFD[1m\uFFFD\t\r\n");
    const cut = new AnswerReader(undefined);
    cut.push(Buffer.concat([Buffer.alloc(KEPT_ANSWER_BYTES - 1, "a"), chunk("é")]));
    expect(cut.text()).toBe(`${"a".repeat(KEPT_ANSWER_BYTES - 1)}\uFFFD`);
  });

  it("never says found without an expected text", () => {
    const reader = new AnswerReader("");
    expect(reader.push(chunk("anything"))).toBe("more");
    expect(reader.found).toBe(false);
  });
});
