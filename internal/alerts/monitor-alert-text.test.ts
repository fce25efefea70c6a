import { describe, expect, it } from "vitest";
import { targetWords } from "../../shared/monitor-target.js";
import { DAY, MINUTE, resultFixture } from "../../test/support/fixtures.js";
import { type MonitorInfo, monitorAlertText } from "./monitor-alert-text.js";
import type { MonitorTransition } from "./monitor-transition.js";

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const us = (ms: number) => BigInt(ms) * 1000n;

const down = (error: string, failures = 2): MonitorTransition => {
  const result = resultFixture({ monitorId: "m", checkedAtMs: T0 + MINUTE, up: false });
  result.error = error;
  result.timing = undefined;
  return { kind: "down", result, incidentId: "i", startedUs: us(T0), cause: error, failures };
};

const tlsExpiry = (
  daysLeftMs: number,
  thresholdDays: number,
  issuer = "R11",
): MonitorTransition => {
  const result = resultFixture({
    monitorId: "m",
    checkedAtMs: T0,
    tlsCertExpiresAtMs: T0 + daysLeftMs,
    tlsCertIssuer: issuer,
  });
  return {
    kind: "tls_expiry",
    result,
    incidentId: null,
    thresholdDays,
    expiresUs: us(T0 + daysLeftMs),
  };
};

const http: MonitorInfo = {
  name: "Checkout API",
  kind: "http",
  url: "https://shop.example/health",
  kindSpec: null,
};

describe("what an alert says was checked", () => {
  it.each([
    [http, "https://shop.example/health"],
    [
      { kind: "tcp", url: "", kindSpec: { host: "db.example.com", port: 5432 } },
      "tcp db.example.com:5432",
    ],
    [
      { kind: "tcp", url: "", kindSpec: { host: "2001:db8::1", port: 443, tls: true } },
      "tcp [2001:db8::1]:443 with TLS",
    ],
    [
      {
        kind: "dns",
        url: "",
        kindSpec: { name: "example.com", recordType: "MX", server: "1.1.1.1" },
      },
      "DNS MX example.com @1.1.1.1",
    ],
    [{ kind: "dns", url: "", kindSpec: { name: "example.com" } }, "DNS A example.com"],
    [
      { kind: "heartbeat", url: "", kindSpec: { periodSeconds: 3600, graceSeconds: 300 } },
      "heartbeat (a ping every 1 h, 5 min grace)",
    ],
    [
      {
        kind: "heartbeat",
        url: "",
        kindSpec: { cron: "0 3 * * *", timezone: "Europe/Paris", graceSeconds: 900 },
      },
      "heartbeat (cron 0 3 * * * Europe/Paris, 15 min grace)",
    ],
    // A spec that does not read names the kind, never an empty URL.
    [{ kind: "tcp", url: "", kindSpec: { port: "not a port" } }, "tcp"],
    [{ kind: "heartbeat", url: "", kindSpec: null }, "heartbeat"],
  ])("words %j as %s", (target, words) => {
    expect(targetWords(target)).toBe(words);
  });

  it("bounds the words of an overlong spec", () => {
    const name = `${"a".repeat(400)}.example`;
    const words = targetWords({ kind: "dns", url: "", kindSpec: { name } });
    expect(words).toHaveLength(300);
    expect(words.endsWith("…")).toBe(true);
  });
});

describe("monitorAlertText", () => {
  it("says what a TCP monitor checks in its DOWN alert", () => {
    const text = monitorAlertText(down("connection refused"), {
      name: "Database",
      kind: "tcp",
      url: "",
      kindSpec: { host: "db.example.com", port: 5432 },
    });
    expect(text.title).toBe("Database is down");
    expect(text.message.split("\n")).toEqual([
      "Check: tcp db.example.com:5432",
      "Error: connection refused",
      "2 failed checks in a row, the first at 2026-11-24 12:00:00 UTC",
    ]);
  });

  it("words a heartbeat's DOWN alert by its missed pings, with the heartbeat's own error", () => {
    const text = monitorAlertText(down("no ping since 2026-11-24 11:00:00 UTC", 1), {
      name: "Nightly backup",
      kind: "heartbeat",
      url: "",
      kindSpec: { periodSeconds: 3600, graceSeconds: 300 },
    });
    expect(text.title).toBe("Nightly backup is down");
    expect(text.message.split("\n")).toEqual([
      "Check: heartbeat (a ping every 1 h, 5 min grace)",
      "Error: no ping since 2026-11-24 11:00:00 UTC",
      "1 missed or failed heartbeat, at 2026-11-24 12:00:00 UTC",
    ]);
    expect(text.message).not.toMatch(/Check: $/m);
  });

  it("says how many days a certificate has left, when it expires and who issued it", () => {
    const text = monitorAlertText(tlsExpiry(2 * DAY, 3), http);
    expect(text).toEqual({
      title: "Certificate of Checkout API expires in 2 days",
      message: [
        "Check: https://shop.example/health",
        "Expires: 2026-11-26 12:00:00 UTC (2 days left; alerting at 3 days or fewer)",
        "Issuer: R11",
      ].join("\n"),
      downtimeSeconds: 0,
    });
    // The check that crosses 14 days sees a little less than 14 of them.
    expect(monitorAlertText(tlsExpiry(14 * DAY - MINUTE, 14), http).title).toBe(
      "Certificate of Checkout API expires in 14 days",
    );
    expect(monitorAlertText(tlsExpiry(DAY, 1), http).message).toContain("alerting at 1 day or");
    expect(monitorAlertText(tlsExpiry(7 * 3600_000, 1), http).title).toBe(
      "Certificate of Checkout API expires in 7 h",
    );
  });

  it("says a certificate past its expiry expired", () => {
    const text = monitorAlertText(tlsExpiry(-3 * DAY, 3, ""), {
      name: "Mail",
      kind: "tcp",
      url: "",
      kindSpec: { host: "mail.example.com", port: 465, tls: true },
    });
    expect(text.title).toBe("Certificate of Mail expired");
    expect(text.message.split("\n")).toEqual([
      "Check: tcp mail.example.com:465 with TLS",
      "Expired: 2026-11-21 12:00:00 UTC (3 days ago)",
      "Issuer: (not given)",
    ]);
  });
});
