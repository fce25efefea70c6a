import { describe, expect, it } from "vitest";
import { ipKey } from "./ip-key.js";

describe("ipKey", () => {
  it("keeps an IPv4 address as it is, also when written IPv4-mapped", () => {
    expect(ipKey("192.0.2.7")).toBe("192.0.2.7");
    expect(ipKey("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(ipKey("::FFFF:c000:0207")).toBe("192.0.2.7");
    expect(ipKey("0:0:0:0:0:ffff:192.0.2.7")).toBe("192.0.2.7");
  });

  it("counts an IPv6 address as its /64, however it is written", () => {
    expect(ipKey("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(ipKey("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(ipKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(ipKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(ipKey("::1")).toBe("0:0:0:0::/64");
    expect(ipKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(ipKey("64:ff9b::192.0.2.7")).toBe("64:ff9b:0:0::/64");
    expect(ipKey("2001:db8:1:3::1")).not.toBe(ipKey("2001:db8:1:2::1"));
  });

  it("cuts anything that is not an address short, so a key stays small", () => {
    expect(ipKey("unknown")).toBe("unknown");
    expect(ipKey("x".repeat(10_000))).toHaveLength(64);
    expect(ipKey("2001:db8::1::2")).toBe("2001:db8::1::2");
  });
});
