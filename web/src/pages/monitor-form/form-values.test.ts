import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { MonitorKind, MonitorSchema } from "../../../../gen/pulsar/v1/monitor_pb";
import { type BuiltSpec, specOf } from "./build-spec";
import { fieldOfPath, pathOfProblem } from "./field-paths";
import { NEW_MONITOR, valuesOf } from "./form-values";

/** spec is the spec built, failing the test when the form refused it. */
function spec(built: BuiltSpec) {
  if (!("spec" in built)) throw new Error(`expected a spec, got ${JSON.stringify(built.errors)}`);
  return built.spec;
}

describe("fieldOfPath", () => {
  it("finds the form field a server error names", () => {
    expect(fieldOfPath("monitor.intervalSeconds")).toBe("interval");
    expect(fieldOfPath("monitor.timeoutMs")).toBe("timeout");
    expect(fieldOfPath("monitor.expectedStatus[1].max")).toBe("expectedStatus");
    expect(fieldOfPath("monitor.invertKeyword")).toBe("keyword");
    expect(fieldOfPath("monitor.recoveryConfirmations")).toBe("recoveryConfirmations");
    expect(fieldOfPath("monitor.alertChannelIds[0]")).toBe("alertChannelIds");
  });

  it("finds the field of each kind, and a condition's own line", () => {
    expect(fieldOfPath("monitor.tcp.port")).toBe("tcpPort");
    expect(fieldOfPath("monitor.tcp")).toBe("tcpHost");
    expect(fieldOfPath("monitor.dns.recordType")).toBe("dnsRecordType");
    expect(fieldOfPath("monitor.dns.expectExact")).toBe("dnsExpect");
    expect(fieldOfPath("monitor.heartbeat.cron")).toBe("heartbeatCron");
    expect(fieldOfPath("monitor.heartbeat.graceSeconds")).toBe("heartbeatGrace");
    expect(fieldOfPath("monitor.tlsExpiryAlertDays[1]")).toBe("tlsExpiryDays");
    expect(fieldOfPath("monitor.conditions[2]")).toBe("conditions[2]");
    expect(fieldOfPath("monitor.conditions")).toBe("conditions");
  });

  it("reads the field of an expression the server could not parse, before its colon", () => {
    const message = "monitor.conditions[2]: unexpected token at position 7";
    expect(pathOfProblem({ code: Code.InvalidArgument, message })).toBe("monitor.conditions[2]");
    expect(pathOfProblem({ code: Code.ResourceExhausted, message })).toBeUndefined();
    expect(pathOfProblem({ code: Code.InvalidArgument, message: "x", field: "monitor.url" })).toBe(
      "monitor.url",
    );
  });

  it("leaves fields the form does not show to the form-wide error", () => {
    expect(fieldOfPath("monitor.headers")).toBeUndefined();
    expect(fieldOfPath("monitor.urlish")).toBeUndefined();
    expect(fieldOfPath(undefined)).toBeUndefined();
  });
});

describe("specOf", () => {
  it("stops on numbers the form cannot send and on unreadable status ranges", () => {
    expect(
      specOf({ ...NEW_MONITOR, interval: "1.5", timeout: "abc", expectedStatus: "2oo" }),
    ).toEqual({
      errors: {
        interval: "Enter a whole number of seconds",
        timeout: "Enter a whole number of milliseconds",
        expectedStatus: expect.stringContaining('"2oo"'),
      },
    });
  });

  it("leaves blank numbers and keyword to the server's defaults", () => {
    const built = spec(specOf({ ...NEW_MONITOR, interval: "", timeout: " ", keyword: "" }));
    expect(built.intervalSeconds).toBeUndefined();
    expect(built.timeoutMs).toBeUndefined();
    expect(built.keyword).toBeUndefined();
  });

  it("stops on confirmations and reminders that are not whole numbers", () => {
    expect(
      specOf({
        ...NEW_MONITOR,
        confirmations: "two",
        recoveryConfirmations: "-1",
        reminderMinutes: "5m",
      }),
    ).toEqual({
      errors: {
        confirmations: "Enter a whole number of checks",
        recoveryConfirmations: "Enter a whole number of checks",
        reminderMinutes: "Enter a whole number of minutes",
      },
    });
  });

  it("carries over what the form does not show when editing", () => {
    const base = create(MonitorSchema, {
      headers: { Authorization: "Bearer x" },
      body: "{}",
      keyword: "ok",
      invertKeyword: true,
      enabled: false,
    });
    const built = specOf({ ...NEW_MONITOR, keyword: "ok" }, base);
    if (!("spec" in built)) throw new Error("expected a spec");
    expect(built.spec.headers).toEqual({ Authorization: "Bearer x" });
    expect(built.spec.body).toBe("{}");
    expect(built.spec.invertKeyword).toBe(true);
    expect(built.spec.enabled).toBe(false);
    // Without a keyword, "invert" would be rejected by the server: it goes too.
    const cleared = specOf({ ...NEW_MONITOR, keyword: "" }, base);
    if (!("spec" in cleared)) throw new Error("expected a spec");
    expect(cleared.spec.invertKeyword).toBe(false);
  });
});

describe("specOf for each kind", () => {
  it("sends a TCP monitor's host, port, TLS and escapes as typed, and nothing of HTTP", () => {
    const built = spec(
      specOf({
        ...NEW_MONITOR,
        kind: "tcp",
        url: "https://left.over/",
        conditions: ["status == 200"],
        tcpHost: " [2001:db8::1] ",
        tcpPort: "6380",
        tcpTls: true,
        ignoreTlsErrors: true,
        tcpSend: "PING\\r\\n",
        tcpExpect: "+PONG",
        tlsExpiryDays: "3, 30",
      }),
    );
    expect(built.tcp).toMatchObject({
      host: "2001:db8::1",
      port: 6380,
      tls: true,
      send: "PING\\r\\n",
      expect: "+PONG",
    });
    expect(built.url).toBe("");
    expect(built.conditions).toEqual([]);
    expect(built.ignoreTlsErrors).toBe(true);
    expect(built.tlsExpiryAlertDays).toEqual([30, 3]);
  });

  it("stops a TCP monitor without a host or with a port out of range", () => {
    expect(specOf({ ...NEW_MONITOR, kind: "tcp", tcpPort: "70000" })).toEqual({
      errors: {
        tcpHost: "Enter a host name or IP address",
        tcpPort: "Enter a port from 1 to 65535",
      },
    });
  });

  it("sends a DNS monitor's expectation as the server reads it", () => {
    const dns = { ...NEW_MONITOR, kind: "dns" as const, dnsName: "example.com" };
    expect(spec(specOf({ ...dns, dnsRecordType: "MX" })).dns).toMatchObject({
      name: "example.com",
      recordType: "MX",
      server: "",
      expectExact: false,
      expectNxdomain: false,
    });
    expect(
      spec(specOf({ ...dns, dnsExpectation: "exact", dnsExpect: " 10 a.example, 20 b.example " }))
        .dns,
    ).toMatchObject({ expect: "10 a.example, 20 b.example", expectExact: true });
    expect(
      spec(specOf({ ...dns, dnsExpectation: "nxdomain", dnsExpect: "left over" })).dns,
    ).toMatchObject({ expectNxdomain: true });
    expect(spec(specOf({ ...dns, dnsExpectation: "nxdomain", dnsExpect: "x" })).dns?.expect).toBe(
      undefined,
    );
    expect(specOf({ ...dns, dnsExpectation: "contains" })).toEqual({
      errors: { dnsExpect: "Enter the text" },
    });
  });

  it("sends a heartbeat's period or cron in seconds, and no interval nor timeout", () => {
    const beat = { ...NEW_MONITOR, kind: "heartbeat" as const, interval: "x" };
    const periodic = spec(specOf({ ...beat, heartbeatPeriod: "1h 30m", heartbeatGrace: "5m" }));
    expect(periodic.heartbeat).toMatchObject({ periodSeconds: 5400, graceSeconds: 300, cron: "" });
    expect(periodic.intervalSeconds).toBeUndefined();
    expect(periodic.timeoutMs).toBeUndefined();
    const cron = spec(
      specOf({
        ...beat,
        heartbeatSchedule: "cron",
        heartbeatCron: " 0 3 * * * ",
        heartbeatTimezone: "Europe/Paris",
      }),
    );
    expect(cron.heartbeat).toMatchObject({
      periodSeconds: 0,
      cron: "0 3 * * *",
      timezone: "Europe/Paris",
    });
    expect(specOf({ ...beat, heartbeatPeriod: "5 s", heartbeatGrace: "soon" })).toEqual({
      errors: {
        heartbeatPeriod: expect.stringContaining("10 s to 31 d"),
        heartbeatGrace: expect.stringContaining("up to 31 d"),
      },
    });
  });

  it("sends HTTP conditions without blank lines and refuses overlong ones on their line", () => {
    const http = { ...NEW_MONITOR, url: "https://a.example/" };
    expect(spec(specOf({ ...http, conditions: [" status == 200 ", "", "  "] })).conditions).toEqual(
      ["status == 200"],
    );
    expect(specOf({ ...http, conditions: ["ok", "x".repeat(501)] })).toEqual({
      errors: { "conditions[1]": "At most 500 characters" },
    });
  });

  it("sends certificate expiry thresholds for HTTPS only, or turns them off", () => {
    const https = { ...NEW_MONITOR, url: "https://a.example/" };
    expect(spec(specOf(https)).tlsExpiryAlertDays).toEqual([14, 3]);
    expect(spec(specOf({ ...https, tlsExpiryAlertsOff: true }))).toMatchObject({
      tlsExpiryAlertDays: [],
      tlsExpiryAlertsOff: true,
    });
    expect(spec(specOf({ ...https, url: "http://a.example/" })).tlsExpiryAlertDays).toEqual([]);
    expect(specOf({ ...https, tlsExpiryDays: "14, 400" })).toEqual({
      errors: { tlsExpiryDays: '"400" is not a number of days from 1 to 365' },
    });
  });
});

describe("valuesOf", () => {
  it("fills the form of each kind from the stored monitor, and reads it back unchanged", () => {
    const stored = [
      create(MonitorSchema, {
        kind: MonitorKind.TCP,
        name: "Redis",
        intervalSeconds: 30,
        timeoutMs: 2000,
        tcp: { host: "cache.internal", port: 6379, send: "PING\\r\\n", expect: "+PONG" },
        tlsExpiryAlertDays: [14, 3],
      }),
      create(MonitorSchema, {
        kind: MonitorKind.DNS,
        name: "Mail",
        intervalSeconds: 300,
        timeoutMs: 5000,
        dns: {
          name: "example.com",
          recordType: "MX",
          expect: "10 mx.example.com",
          expectExact: true,
        },
      }),
      create(MonitorSchema, {
        kind: MonitorKind.HEARTBEAT,
        name: "Backup",
        heartbeat: { cron: "0 3 * * *", timezone: "Europe/Paris", graceSeconds: 900 },
      }),
      create(MonitorSchema, {
        kind: MonitorKind.HTTP,
        name: "Shop",
        url: "https://shop.example/",
        method: "GET",
        intervalSeconds: 60,
        timeoutMs: 10000,
        expectedStatus: [{ min: 200, max: 299 }],
        conditions: ['$.status == "UP"'],
        tlsExpiryAlertDays: [],
      }),
    ];
    const [tcp, dns, beat, http] = stored.map(valuesOf);
    expect(tcp).toMatchObject({ kind: "tcp", tcpHost: "cache.internal", tcpPort: "6379" });
    expect(dns).toMatchObject({ kind: "dns", dnsExpectation: "exact", dnsRecordType: "MX" });
    expect(beat).toMatchObject({
      kind: "heartbeat",
      heartbeatSchedule: "cron",
      heartbeatGrace: "15 min",
      heartbeatTimezone: "Europe/Paris",
    });
    expect(http).toMatchObject({ conditions: ['$.status == "UP"'], tlsExpiryAlertsOff: true });

    // Saved again untouched, each sends what it was stored with.
    expect(spec(specOf(tcp ?? NEW_MONITOR)).tcp).toMatchObject({
      host: "cache.internal",
      port: 6379,
      expect: "+PONG",
    });
    expect(spec(specOf(dns ?? NEW_MONITOR)).dns).toMatchObject({
      expect: "10 mx.example.com",
      expectExact: true,
    });
    expect(spec(specOf(beat ?? NEW_MONITOR)).heartbeat).toMatchObject({
      cron: "0 3 * * *",
      graceSeconds: 900,
    });
    expect(spec(specOf(http ?? NEW_MONITOR))).toMatchObject({
      tlsExpiryAlertsOff: true,
      conditions: ['$.status == "UP"'],
    });
  });
});
