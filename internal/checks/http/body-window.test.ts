import { describe, expect, it } from "vitest";
import { BodyWindow } from "./body-window.js";

describe("BodyWindow", () => {
  it("keeps every byte of a body that fits, joined in order", () => {
    const window = new BodyWindow(16);
    for (const part of ["héllo", " ", "wörld"]) window.push(Buffer.from(part));
    expect(window.bytes().toString()).toBe("héllo wörld");
    expect(window.truncated).toBe(false);
  });

  it("keeps the first bytes of a longer body and says it was cut", () => {
    const window = new BodyWindow(8);
    window.push(Buffer.from("12345"));
    window.push(Buffer.from("67890"));
    window.push(Buffer.from("abc"));
    expect(window.bytes().toString()).toBe("12345678");
    expect(window.truncated).toBe(true);
  });

  it("is not cut by a body of exactly its size, nor by an empty chunk", () => {
    const window = new BodyWindow(4);
    window.push(Buffer.from("abcd"));
    window.push(Buffer.alloc(0));
    expect(window.truncated).toBe(false);
    expect(window.bytes().toString()).toBe("abcd");
  });

  it("copies chunks, so a buffer reused by its sender does not change what was kept", () => {
    const window = new BodyWindow(8);
    const chunk = Buffer.from("abcd");
    window.push(chunk);
    chunk.write("zzzz");
    expect(window.bytes().toString()).toBe("abcd");
    expect(new BodyWindow(8).bytes()).toHaveLength(0);
  });
});
