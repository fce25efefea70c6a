import { describe, expect, it } from "vitest";
import {
  alwaysBlockedReason,
  BlockedAddressError,
  blockedReason,
  judgeAddresses,
  policyFor,
  refusalNote,
} from "./address-policy.js";

describe("blockedReason", () => {
  it.each([
    ["0.0.0.0", '"this host"'],
    ["0.1.2.3", '"this host"'],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.254", "carrier-grade NAT"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["169.254.169.254", "link-local"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.0.0.8", "IETF protocol assignment"],
    ["192.0.2.1", "documentation"],
    ["192.88.99.1", "6to4 relay"],
    ["192.168.1.1", "private"],
    ["198.18.0.1", "benchmarking"],
    ["198.19.255.255", "benchmarking"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.7", "documentation"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "broadcast"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["fc00::1", "unique local"],
    ["fd12:3456::1", "unique local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf::1", "link-local"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "documentation"],
    ["::ffff:127.0.0.1", "IPv4-mapped form of 127.0.0.1, a loopback"],
    ["::ffff:7f00:1", "IPv4-mapped form of 127.0.0.1, a loopback"],
    ["::ffff:a9fe:a9fe", "IPv4-mapped form of 169.254.169.254, a link-local"],
    ["64:ff9b::10.0.0.1", "NAT64 form of 10.0.0.1, a private"],
    ["64:ff9b::7f00:1", "NAT64 form of 127.0.0.1, a loopback"],
    ["2002:c0a8:0101::1", "6to4 address of 192.168.1.1, a private"],
    ["2002:7f00:1::", "6to4 address of 127.0.0.1, a loopback"],
    ["::127.0.0.1", "not a global unicast"],
    ["100::1", "not a global unicast"],
    ["4000::1", "not a global unicast"],
    ["localhost", "not an IP address"],
    ["", "not an IP address"],
  ])("refuses %s (%s)", (address, words) => {
    expect(blockedReason(address)).toContain(words);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "9.255.255.255",
    "11.0.0.0",
    "100.63.255.255",
    "100.128.0.0",
    "126.255.255.255",
    "128.0.0.0",
    "169.253.255.255",
    "172.15.255.255",
    "172.32.0.0",
    "192.167.255.255",
    "192.169.0.0",
    "198.17.255.255",
    "198.20.0.0",
    "223.255.255.255",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:0808:0808::1",
  ])("allows %s", (address) => {
    expect(blockedReason(address)).toBeUndefined();
  });

  it("names the address and what it is", () => {
    expect(blockedReason("127.0.0.1")).toBe("127.0.0.1 is a loopback address");
    expect(blockedReason("::ffff:7f00:1")).toBe(
      "::ffff:7f00:1 is an IPv4-mapped form of 127.0.0.1, a loopback address",
    );
  });
});

describe("judgeAddresses", () => {
  it("refuses a whole lookup answer when any of its addresses is refused", () => {
    const answer = [
      { address: "8.8.8.8", family: 4 },
      { address: "10.1.2.3", family: 4 },
    ];
    const blocked = judgeAddresses(blockedReason, "mixed.test", answer);
    expect(blocked).toBeInstanceOf(BlockedAddressError);
    expect(blocked?.hostname).toBe("mixed.test");
    expect(blocked?.address).toBe("10.1.2.3");
    expect(blocked?.reason).toBe("10.1.2.3 is a private address");
  });

  it("accepts a single address or a list of public ones", () => {
    expect(judgeAddresses(blockedReason, "one.test", "1.1.1.1")).toBeUndefined();
    const answer = [
      { address: "2606:4700:4700::1111", family: 6 },
      { address: "1.1.1.1", family: 4 },
    ];
    expect(judgeAddresses(blockedReason, "two.test", answer)).toBeUndefined();
  });
});

describe("alwaysBlockedReason", () => {
  it.each([
    ["169.254.169.254", "link-local address (cloud metadata lives there)"],
    ["169.254.0.1", "link-local"],
    ["100.100.100.200", "cloud metadata address (Alibaba Cloud)"],
    ["fd00:ec2::254", "cloud metadata address (AWS)"],
    ["fe80::1", "link-local"],
    ["fe80::a9fe:a9fe%eth0", "link-local"],
    ["::ffff:169.254.169.254", "IPv4-mapped form of 169.254.169.254, a link-local"],
    ["::ffff:a9fe:a9fe", "IPv4-mapped form of 169.254.169.254, a link-local"],
    ["::ffff:100.100.100.200", "IPv4-mapped form of 100.100.100.200, a cloud metadata"],
    ["64:ff9b::a9fe:a9fe", "NAT64 form of 169.254.169.254"],
    ["2002:a9fe:a9fe::1", "6to4 address of 169.254.169.254"],
    ["metadata.google.internal", "not an IP address"],
  ])("refuses %s (%s) whatever the settings", (address, words) => {
    expect(alwaysBlockedReason(address)).toContain(words);
    expect(policyFor(false)(address)).toBe(alwaysBlockedReason(address));
    expect(policyFor(true)(address)).toBeDefined();
  });

  it.each([
    "127.0.0.1",
    "::1",
    "10.0.0.5",
    "192.168.1.10",
    "100.100.100.199",
    "100.64.0.1",
    "fd00:ec2::253",
    "fd12::1",
    "::ffff:127.0.0.1",
    "8.8.8.8",
  ])("lets %s through when private targets are allowed", (address) => {
    expect(alwaysBlockedReason(address)).toBeUndefined();
    expect(policyFor(false)(address)).toBeUndefined();
  });

  it("is blockedReason's policy when private targets are blocked", () => {
    expect(policyFor(true)).toBe(blockedReason);
    expect(policyFor(true)("10.0.0.5")).toBe("10.0.0.5 is a private address");
  });
});

describe("refusalNote", () => {
  it("names PULSAR_BLOCK_PRIVATE_TARGETS only for what that setting refuses", () => {
    expect(refusalNote("10.0.0.5")).toBe(" (PULSAR_BLOCK_PRIVATE_TARGETS is on)");
    expect(refusalNote("::1")).toBe(" (PULSAR_BLOCK_PRIVATE_TARGETS is on)");
    for (const address of ["169.254.169.254", "fd00:ec2::254", "::ffff:a9fe:a9fe"]) {
      expect(refusalNote(address)).toBe(
        "; such addresses are never reached, whatever the settings",
      );
    }
  });
});
