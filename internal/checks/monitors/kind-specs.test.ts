import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { MonitorSpecSchema } from "../../../gen/pulsar/v1/monitor_pb.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { resolveMonitorSpec } from "./monitor-spec.js";

const spec = (fields: MessageInitShape<typeof MonitorSpecSchema>) =>
  create(MonitorSpecSchema, { name: "Example", ...fields });

/** refusal is the message resolveMonitorSpec refuses a spec with. */
function refusal(fields: MessageInitShape<typeof MonitorSpecSchema>): string {
  try {
    resolveMonitorSpec(spec(fields));
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error.message;
    throw error;
  }
  throw new Error("the spec was accepted");
}

describe("resolveMonitorSpec with monitor kinds", () => {
  it("resolves a TCP monitor with its defaults and no HTTP fields", () => {
    const resolved = resolveMonitorSpec(
      spec({ tcp: { host: "DB.Example.com", port: 5432, expect: "\\r\\n" } }),
    );
    expect(resolved).toMatchObject({
      kind: "tcp",
      url: "",
      intervalSeconds: 60,
      timeoutMs: 10_000,
      confirmations: 2,
      conditions: [],
      tlsExpiryAlertDays: [],
    });
    expect(resolved.tcp).toMatchObject({ host: "db.example.com", port: 5432, tls: false });
  });

  it("keeps certificate thresholds for a TLS TCP monitor, largest first and distinct", () => {
    const resolved = resolveMonitorSpec(
      spec({ tcp: { host: "::1", port: 443, tls: true }, tlsExpiryAlertDays: [3, 30, 3] }),
    );
    expect(resolved.tcp?.host).toBe("::1");
    expect(resolved.tlsExpiryAlertDays).toEqual([30, 3]);
  });

  it("resolves a DNS monitor, record type A by default and upper-cased", () => {
    expect(resolveMonitorSpec(spec({ dns: { name: "example.com" } })).dns).toMatchObject({
      name: "example.com",
      recordType: "A",
      server: "",
    });
    expect(
      resolveMonitorSpec(spec({ dns: { name: "example.com", recordType: "mx" } })).dns?.recordType,
    ).toBe("MX");
  });

  it("resolves a heartbeat: period 1 h and grace 5 min by default, one confirmation", () => {
    const resolved = resolveMonitorSpec(spec({ heartbeat: {} }));
    expect(resolved.kind).toBe("heartbeat");
    expect(resolved.confirmations).toBe(1);
    expect(resolved.heartbeat).toMatchObject({
      periodSeconds: 3600,
      graceSeconds: 300,
      cron: "",
      timezone: "UTC",
    });
    expect(resolved.intervalSeconds).toBe(3600);
  });

  it("resolves a cron heartbeat in its time zone", () => {
    const resolved = resolveMonitorSpec(
      spec({ heartbeat: { cron: " 0 3 * * * ", timezone: "Europe/Paris", graceSeconds: 0 } }),
    );
    expect(resolved.heartbeat).toMatchObject({
      periodSeconds: 0,
      graceSeconds: 0,
      cron: "0 3 * * *",
      timezone: "Europe/Paris",
    });
  });

  it("takes conditions on an HTTP monitor, trimmed", () => {
    const resolved = resolveMonitorSpec(
      spec({ url: "https://example.com/", conditions: [" status == 200 ", '$.status == "UP"'] }),
    );
    expect(resolved.conditions).toEqual(["status == 200", '$.status == "UP"']);
  });

  it("turns certificate expiry alerts off", () => {
    expect(
      resolveMonitorSpec(spec({ url: "https://example.com/", tlsExpiryAlertsOff: true }))
        .tlsExpiryAlertDays,
    ).toEqual([]);
  });

  it.each<[string, MessageInitShape<typeof MonitorSpecSchema>, string]>([
    [
      "no kind at all",
      {},
      "monitor.url is required (or set monitor.tcp, monitor.dns or monitor.heartbeat)",
    ],
    [
      "two kinds",
      { url: "https://example.com/", tcp: { host: "a.example", port: 1 } },
      "monitor.tcp cannot be set with another kind",
    ],
    [
      "an HTTP field on TCP",
      { tcp: { host: "a.example", port: 1 }, method: "POST" },
      "monitor.method is for HTTP monitors, not tcp",
    ],
    [
      "conditions on DNS",
      { dns: { name: "example.com" }, conditions: ["status == 200"] },
      "monitor.conditions is for HTTP monitors, not dns",
    ],
    ["a TCP port of 0", { tcp: { host: "a.example" } }, "monitor.tcp.port is required"],
    [
      "a TCP port above 65535",
      { tcp: { host: "a.example", port: 70_000 } },
      "monitor.tcp.port must be between 1 and 65535",
    ],
    ["a TCP host with a space", { tcp: { host: "a b", port: 1 } }, "monitor.tcp.host"],
    [
      "a NUL to send",
      { tcp: { host: "a.example", port: 1, send: "a\u0000b" } },
      "monitor.tcp.send must not contain NUL",
    ],
    [
      "an overlong expect",
      { tcp: { host: "a.example", port: 1, expect: "x".repeat(1001) } },
      "monitor.tcp.expect must be 1–1000 bytes",
    ],
    [
      "ignoreTlsErrors on plain TCP",
      { tcp: { host: "a.example", port: 1 }, ignoreTlsErrors: true },
      "monitor.ignoreTlsErrors is for HTTP and TLS TCP monitors",
    ],
    [
      "a DNS record type it does not query",
      { dns: { name: "example.com", recordType: "PTR" } },
      "monitor.dns.recordType must be one of",
    ],
    ["a DNS name with two dots in a row", { dns: { name: "a..example" } }, "monitor.dns.name"],
    [
      "a DNS server with a bad port",
      { dns: { name: "example.com", server: "1.1.1.1:99999" } },
      "monitor.dns.server",
    ],
    [
      "expect with NXDOMAIN",
      { dns: { name: "example.com", expect: "1.2.3.4", expectNxdomain: true } },
      "monitor.dns.expect cannot be set with expectNxdomain",
    ],
    [
      "expectExact without expect",
      { dns: { name: "example.com", expectExact: true } },
      "monitor.dns.expectExact needs monitor.dns.expect",
    ],
    [
      "a heartbeat period of 5 s",
      { heartbeat: { periodSeconds: 5 } },
      "monitor.heartbeat.periodSeconds must be between 10 and 2678400",
    ],
    [
      "a period and a cron",
      { heartbeat: { periodSeconds: 60, cron: "* * * * *" } },
      "monitor.heartbeat.periodSeconds cannot be set with monitor.heartbeat.cron",
    ],
    [
      "a cron of six fields",
      { heartbeat: { cron: "0 0 3 * * *" } },
      "monitor.heartbeat.cron must have five fields",
    ],
    [
      "a cron that does not parse",
      { heartbeat: { cron: "61 * * * *" } },
      "monitor.heartbeat.cron is not a valid cron expression",
    ],
    [
      "an unknown time zone",
      { heartbeat: { cron: "0 3 * * *", timezone: "Mars/Olympus" } },
      "monitor.heartbeat.timezone must be an IANA time zone",
    ],
    [
      "an interval on a heartbeat",
      { heartbeat: {}, intervalSeconds: 60 },
      "monitor.intervalSeconds does not apply to heartbeat monitors",
    ],
    [
      "a condition that does not parse",
      { url: "https://example.com/", conditions: ["status == 200", "status =="] },
      "monitor.conditions[1] does not parse: ",
    ],
    [
      "an empty condition",
      { url: "https://example.com/", conditions: [" "] },
      "monitor.conditions[0] must not be empty",
    ],
    [
      "21 conditions",
      { url: "https://example.com/", conditions: new Array(21).fill("status == 200") },
      "monitor.conditions must have at most 20 conditions",
    ],
    [
      "a threshold of 0 days",
      { url: "https://example.com/", tlsExpiryAlertDays: [14, 0] },
      "monitor.tlsExpiryAlertDays[1] must be between 1 and 365",
    ],
    [
      "thresholds with alerts off",
      { url: "https://example.com/", tlsExpiryAlertDays: [14], tlsExpiryAlertsOff: true },
      "monitor.tlsExpiryAlertDays cannot be set with monitor.tlsExpiryAlertsOff",
    ],
  ])("refuses %s, naming the field", (_case, fields, message) => {
    expect(refusal(fields)).toContain(message);
  });

  it("names the position of a condition's syntax error", () => {
    expect(refusal({ url: "https://example.com/", conditions: ["status ?? 200"] })).toMatch(
      /^monitor\.conditions\[0\] does not parse: .* at position \d+$/,
    );
  });
});
