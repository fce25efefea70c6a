import { describe, expect, it } from "vitest";
import { badgeContent, badgeStatus, formatUptime } from "./badge-content.js";
import type { BadgeFacts } from "./badge-facts.js";

const facts = (over: Partial<BadgeFacts> = {}): BadgeFacts => ({
  monitorId: "m",
  orgId: "o",
  enabled: true,
  lastUp: true,
  uptime: {
    "24h": { checks: 1000, failures: 1 },
    "7d": { checks: 0, failures: 0 },
    "30d": { checks: 3, failures: 3 },
  },
  responses24h: 4,
  totalMsSum24h: 1000,
  ...over,
});

describe("formatUptime", () => {
  it("rounds down to at most two decimals, so one failure never reads 100%", () => {
    expect(formatUptime(1)).toBe("100%");
    expect(formatUptime(0.999)).toBe("99.9%");
    expect(formatUptime(0.99999)).toBe("99.99%");
    expect(formatUptime(0.9995)).toBe("99.95%");
    expect(formatUptime(0.5)).toBe("50%");
    expect(formatUptime(0)).toBe("0%");
  });
});

describe("badgeContent", () => {
  it("says up, down, pending, paused and maintenance, paused first", () => {
    expect(badgeStatus(facts(), false)).toBe("up");
    expect(badgeStatus(facts({ lastUp: false }), false)).toBe("down");
    expect(badgeStatus(facts({ lastUp: null }), false)).toBe("pending");
    expect(badgeStatus(facts({ lastUp: false }), true)).toBe("maintenance");
    expect(badgeStatus(facts({ enabled: false }), true)).toBe("paused");
  });

  it("draws uptime per window, 'no data' for a window without checks, and the 24 h average response time", () => {
    expect(badgeContent("uptime-24h", facts(), false)).toEqual({
      label: "uptime 24h",
      message: "99.9%",
      color: "brightgreen",
    });
    expect(badgeContent("uptime-7d", facts(), false).message).toBe("no data");
    expect(badgeContent("uptime-30d", facts(), false)).toMatchObject({
      message: "0%",
      color: "red",
    });
    expect(badgeContent("response-time", facts(), false)).toEqual({
      label: "response time",
      message: "250 ms",
      color: "green",
    });
    expect(badgeContent("response-time", facts({ responses24h: 0 }), false).message).toBe(
      "no data",
    );
  });

  it("uses the label asked for, the empty one included", () => {
    expect(badgeContent("status", facts(), false, "api").label).toBe("api");
    expect(badgeContent("status", facts(), false, "").label).toBe("");
  });
});
