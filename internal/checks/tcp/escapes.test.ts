import { describe, expect, it } from "vitest";
import { decodeEscapes, showText } from "./escapes.js";

describe("decodeEscapes", () => {
  it.each([
    ["PING\\r\\n", "PING\r\n"],
    ["a\\tb", "a\tb"],
    ["\\n\\n", "\n\n"],
    ["back\\\\slash", "back\\slash"],
    // A doubled backslash is read first: then the "n" is a plain letter.
    ["\\\\n", "\\n"],
    ["\\\\\\n", "\\\n"],
    // Other sequences stay as written, like a regular expression or a Windows path.
    ["\\d+ \\x41 \\0", "\\d+ \\x41 \\0"],
    ["C:\\Temp", "C:\\Temp"],
    ["ends with \\", "ends with \\"],
    ["no escapes", "no escapes"],
    ["", ""],
    ["\\r\\n\\t\\\\", "\r\n\t\\"],
  ])("reads %j as %j", (written, decoded) => {
    expect(decodeEscapes(written)).toBe(decoded);
  });
});

describe("showText", () => {
  it("quotes a banner with its line end written as escapes", () => {
    expect(showText("SSH-2.0-OpenSSH_9.6\r\n", 100)).toBe('"SSH-2.0-OpenSSH_9.6\\r\\n"');
  });

  it("escapes quotes, backslashes and tabs, and shows other control characters as U+FFFD", () => {
    expect(showText('say "hi"\t\\ \u0000\u001b', 100)).toBe('"say \\"hi\\"\\t\\\\ \uFFFD\uFFFD"');
  });

  it("cuts a long text at the limit, in characters, and marks the cut", () => {
    expect(showText("abcdef", 3)).toBe('"abc…"');
    expect(showText("😀😀😀", 2)).toBe('"😀😀…"');
    expect(showText("abc", 3)).toBe('"abc"');
  });
});
