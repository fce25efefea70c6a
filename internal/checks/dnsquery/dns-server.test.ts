import { describe, expect, it } from "vitest";
import { hostPort, parseDnsServer } from "./dns-server.js";

describe("parseDnsServer", () => {
  it.each([
    ["1.1.1.1", "1.1.1.1", 53],
    ["1.1.1.1:5353", "1.1.1.1", 5353],
    ["8.8.8.8:1", "8.8.8.8", 1],
    ["8.8.8.8:65535", "8.8.8.8", 65535],
    ["::1", "::1", 53],
    ["[::1]:53", "::1", 53],
    ["[2606:4700::1111]", "2606:4700::1111", 53],
    ["[2606:4700::1111]:853", "2606:4700::1111", 853],
    ["ns1.example.com", "ns1.example.com", 53],
    ["ns1.example.com:5353", "ns1.example.com", 5353],
    ["NS1.Example.COM.", "NS1.Example.COM.", 53],
    ["localhost:8053", "localhost", 8053],
    [`${"a".repeat(63)}.example.com`, `${"a".repeat(63)}.example.com`, 53],
  ])("reads %s as %s port %i", (text, host, port) => {
    expect(parseDnsServer(text)).toEqual({ host, port });
  });

  it.each([
    ["", "must not be empty"],
    ["1.1.1.1:0", "must have a port between 1 and 65535"],
    ["1.1.1.1:65536", "must have a port between 1 and 65535"],
    ["1.1.1.1:", "must have a port between 1 and 65535"],
    ["1.1.1.1:dns", "must have a port between 1 and 65535"],
    ["1.1.1.1:+53", "must have a port between 1 and 65535"],
    ["1.1.1.1:53:53", "must write an IPv6 address with a port as [address]:port"],
    ["[::1", "must have an IPv6 address in brackets"],
    ["[1.1.1.1]:53", "must have an IPv6 address in brackets"],
    ["[::1]53", "must be an IP address or a host name with an optional :port"],
    ["[::1]:", "must have a port between 1 and 65535"],
    [":53", "must be an IP address or a host name with an optional :port"],
    ["999.1.1.1", "must be an IP address or a host name"],
    ["1.1.1", "must be an IP address or a host name"],
    ["ns1..example.com", "must not have an empty label (two dots in a row)"],
    ["-ns.example.com", 'has an invalid label "-ns"'],
    ["ns_1.example.com", 'has an invalid label "ns_1"'],
    [" 1.1.1.1", "must be plain ASCII without spaces"],
    ["ns.exämple.com", "must be plain ASCII without spaces"],
    [`${"a".repeat(64)}.com`, "must not have a label longer than 63 characters"],
    [`${"a.".repeat(127)}com`, "must be at most 253 characters"],
    [`${"a".repeat(400)}`, "must be an IP address or a host name with an optional :port"],
  ])("refuses %j: %s", (text, words) => {
    const parsed = parseDnsServer(text);
    expect("error" in parsed && parsed.error).toContain(words);
  });
});

describe("hostPort", () => {
  it("brackets IPv6 addresses only", () => {
    expect(hostPort("127.0.0.1", 53)).toBe("127.0.0.1:53");
    expect(hostPort("::1", 5353)).toBe("[::1]:5353");
  });
});
