import { describe, expect, it } from "vitest";
import { dnsNameError } from "./dns-name.js";
import { dnsRecordType } from "./record-types.js";

describe("dnsNameError", () => {
  it.each([
    "example.com",
    "example.com.",
    "_dmarc.example.com",
    "_sip._tcp.example.com",
    "*.example.com",
    "xn--bcher-kva.example",
    "localhost",
    `${"a".repeat(63)}.com`,
    `${"a.".repeat(126)}a`, // 253 characters
  ])("accepts %s", (name) => {
    expect(dnsNameError(name)).toBeUndefined();
  });

  it.each([
    ["", "must not be empty"],
    [".", "must not be empty"],
    ["a..example.com", "must not have an empty label"],
    ["example.com..", "must not have an empty label"],
    ["ex ample.com", "must be plain ASCII without spaces"],
    ["bücher.example", "must be plain ASCII"],
    ["a\u0000b.example", "must be plain ASCII"],
    ["a.*.example.com", 'has an invalid label "*"'],
    ["-a.example.com", 'has an invalid label "-a"'],
    [`${"a".repeat(64)}.com`, "must not have a label longer than 63 characters"],
    [`${"a.".repeat(127)}a`, "must be at most 253 characters"],
  ])("refuses %j: %s", (name, words) => {
    expect(dnsNameError(name)).toContain(words);
  });
});

describe("dnsRecordType", () => {
  it("reads an empty type as A and any case as the type, and refuses the rest", () => {
    expect(dnsRecordType("")).toBe("A");
    expect(dnsRecordType("caa")).toBe("CAA");
    expect(dnsRecordType("Srv")).toBe("SRV");
    expect(dnsRecordType("PTR")).toBeUndefined();
    expect(dnsRecordType("A ")).toBeUndefined();
  });
});
