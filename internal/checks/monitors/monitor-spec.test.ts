import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { MonitorSpecSchema } from "../../../gen/pulsar/v1/monitor_pb.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { resolveMonitorSpec } from "./monitor-spec.js";

const valid = { name: "Example", url: "https://example.com/health" };
const spec = (fields: MessageInitShape<typeof MonitorSpecSchema>) =>
  create(MonitorSpecSchema, { ...valid, ...fields });

describe("resolveMonitorSpec", () => {
  it("applies the documented defaults", () => {
    expect(resolveMonitorSpec(spec({}))).toEqual({
      name: "Example",
      url: "https://example.com/health",
      method: "GET",
      headers: {},
      intervalSeconds: 60,
      timeoutMs: 10_000,
      expectedStatus: [{ min: 200, max: 399 }],
      invertKeyword: false,
      followRedirects: true,
      ignoreTlsErrors: false,
      enabled: true,
      confirmations: 2,
      recoveryConfirmations: 1,
      reminderMinutes: 0,
      alertChannelIds: [],
      publicBadges: false,
      kind: "http",
      conditions: [],
      tlsExpiryAlertDays: [14, 3],
      regions: [],
      regionRule: "majority",
    });
  });

  it("keeps publicBadges when asked for", () => {
    expect(resolveMonitorSpec(spec({ publicBadges: true })).publicBadges).toBe(true);
  });

  it("keeps the alert settings, with channel ids lower-cased and deduplicated", () => {
    const channel = "0B8E4A4E-8F0E-4C53-9D5E-2F5CF3A7C001";
    expect(
      resolveMonitorSpec(
        spec({
          confirmations: 3,
          recoveryConfirmations: 2,
          reminderMinutes: 30,
          alertChannelIds: [channel, channel.toLowerCase()],
        }),
      ),
    ).toMatchObject({
      confirmations: 3,
      recoveryConfirmations: 2,
      reminderMinutes: 30,
      alertChannelIds: [channel.toLowerCase()],
    });
  });

  it("keeps explicit values, upper-cases the method and reads a lone status as a range", () => {
    const resolved = resolveMonitorSpec(
      spec({
        method: "post",
        headers: { "X-Token": "abc" },
        body: "{}",
        intervalSeconds: 10,
        timeoutMs: 10_000,
        expectedStatus: [{ min: 204 }],
        keyword: "ok",
        invertKeyword: true,
        followRedirects: false,
        ignoreTlsErrors: true,
        enabled: false,
      }),
    );
    expect(resolved).toMatchObject({
      method: "POST",
      headers: { "X-Token": "abc" },
      body: "{}",
      intervalSeconds: 10,
      expectedStatus: [{ min: 204, max: 204 }],
      keyword: "ok",
      invertKeyword: true,
      followRedirects: false,
      ignoreTlsErrors: true,
      enabled: false,
    });
  });

  it("caps the default timeout at a short interval", () => {
    expect(resolveMonitorSpec(spec({ intervalSeconds: 10 })).timeoutMs).toBe(10_000);
  });

  const invalid: [string, MessageInitShape<typeof MonitorSpecSchema>, string][] = [
    ["empty name", { name: "" }, "monitor.name must be 1–200 characters"],
    ["blank name", { name: "   " }, "monitor.name must be 1–200 characters"],
    ["long name", { name: "x".repeat(201) }, "monitor.name must be 1–200 characters"],
    ["missing url", { url: "" }, "monitor.url is required"],
    ["relative url", { url: "/health" }, "monitor.url must be an absolute http:// or https:// URL"],
    ["ftp url", { url: "ftp://example.com" }, "monitor.url must use http or https"],
    ["port out of range", { url: "http://example.com:70000/" }, "monitor.url must be an absolute"],
    ["port zero", { url: "http://example.com:0/" }, "monitor.url must have a valid port"],
    ["bad host", { url: "http://exa mple.com/" }, "monitor.url must be an absolute"],
    [
      "credentials",
      { url: "https://u:p@example.com/" },
      "monitor.url must not contain credentials",
    ],
    ["method not a token", { method: "GE T" }, "monitor.method must be an HTTP method token"],
    ["CONNECT", { method: "CONNECT" }, "monitor.method must not be CONNECT"],
    [
      "header name",
      { headers: { "bad name": "x" } },
      'monitor.headers["bad name"] is not a valid header name',
    ],
    [
      "header CRLF",
      { headers: { "X-A": "a\r\nX-B: b" } },
      'monitor.headers["X-A"] must not contain CR, LF',
    ],
    [
      "managed header",
      { headers: { "Content-Length": "1" } },
      'monitor.headers["Content-Length"] is set by Pulsar',
    ],
    [
      "interval low",
      { intervalSeconds: 9 },
      "monitor.intervalSeconds must be between 10 and 86400",
    ],
    [
      "interval high",
      { intervalSeconds: 86_401 },
      "monitor.intervalSeconds must be between 10 and 86400",
    ],
    [
      "interval zero",
      { intervalSeconds: 0 },
      "monitor.intervalSeconds must be between 10 and 86400",
    ],
    ["timeout low", { timeoutMs: 99 }, "monitor.timeoutMs must be between 100 and 60000"],
    ["timeout high", { timeoutMs: 60_001 }, "monitor.timeoutMs must be between 100 and 60000"],
    [
      "timeout above interval",
      { intervalSeconds: 10, timeoutMs: 20_000 },
      "monitor.timeoutMs must not exceed the interval",
    ],
    [
      "status below 100",
      { expectedStatus: [{ min: 99, max: 200 }] },
      "monitor.expectedStatus[0].min must be between 100 and 599",
    ],
    [
      "status above 599",
      { expectedStatus: [{ min: 200, max: 600 }] },
      "monitor.expectedStatus[0].max must be between 100 and 599",
    ],
    [
      "status reversed",
      {
        expectedStatus: [
          { min: 200, max: 299 },
          { min: 500, max: 400 },
        ],
      },
      "monitor.expectedStatus[1].max must not be below",
    ],
    ["empty keyword", { keyword: "" }, "monitor.keyword must be 1–1000 characters"],
    [
      "invert without keyword",
      { invertKeyword: true },
      "monitor.invertKeyword needs monitor.keyword",
    ],
    ["long body", { body: "x".repeat(16 * 1024 + 1) }, "monitor.body must be at most 16384 bytes"],
    [
      "a body within the spec's bound in characters but not in bytes",
      { body: "é".repeat(8 * 1024 + 1) },
      "monitor.body must be at most 16384 bytes",
    ],
    [
      "51 headers",
      { headers: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`X-H${i}`, "v"])) },
      "monitor.headers must have at most 50 entries",
    ],
    [
      "a 257-byte header name",
      { headers: { [`X-${"a".repeat(255)}`]: "v" } },
      `monitor.headers["X-${"a".repeat(30)}…"] name must be at most 256 bytes`,
    ],
    [
      "a long header value",
      { headers: { "X-A": "v".repeat(8193) } },
      'monitor.headers["X-A"] must be at most 8192 bytes',
    ],
    [
      "a 33 KiB spec",
      { body: "x".repeat(33 * 1024) },
      "monitor must be at most 32768 bytes serialized (got 33",
    ],
    ["no confirmations", { confirmations: 0 }, "monitor.confirmations must be between 1 and 10"],
    ["many confirmations", { confirmations: 11 }, "monitor.confirmations must be between 1 and 10"],
    [
      "no recovery confirmations",
      { recoveryConfirmations: 0 },
      "monitor.recoveryConfirmations must be between 1 and 10",
    ],
    [
      "many recovery confirmations",
      { recoveryConfirmations: 11 },
      "monitor.recoveryConfirmations must be between 1 and 10",
    ],
    [
      "reminders too often",
      { reminderMinutes: 4 },
      "monitor.reminderMinutes must be 0 (no reminders) or between 5 and 1440",
    ],
    [
      "reminders too rare",
      { reminderMinutes: 1441 },
      "monitor.reminderMinutes must be 0 (no reminders) or between 5 and 1440",
    ],
    [
      "a channel id that is not a UUID",
      { alertChannelIds: ["0b8e4a4e-8f0e-4c53-9d5e-2f5cf3a7c001", "ops"] },
      "monitor.alertChannelIds[1] must be a UUID",
    ],
    [
      "too many channels",
      { alertChannelIds: Array.from({ length: 21 }, () => "0b8e4a4e-8f0e-4c53-9d5e-2f5cf3a7c001") },
      "monitor.alertChannelIds must hold at most 20 ids",
    ],
  ];

  it.each(invalid)("rejects %s naming the field", (_case, fields, message) => {
    let caught: unknown;
    try {
      resolveMonitorSpec(spec(fields));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as Error).message).toContain(message);
  });

  it("accepts a 256-byte header name and a spec of every field at its bound but the whole", () => {
    const name = `X-${"a".repeat(254)}`;
    expect(resolveMonitorSpec(spec({ headers: { [name]: "v" } })).headers).toEqual({
      [name]: "v",
    });
    expect(
      resolveMonitorSpec(
        spec({ body: "x".repeat(16 * 1024), headers: { "X-A": "v".repeat(8192) } }),
      ).body,
    ).toHaveLength(16 * 1024);
  });

  it("refuses a spec whose fields each pass but whose whole is 250 KiB, before reading them", () => {
    // 50 headers of 5 KiB: each within its own bound, the whole eight times the spec's.
    const headers = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`X-H${i}`, "v".repeat(5 * 1024)]),
    );
    // An invalid name as well: the size is what is reported, so it was checked first.
    let caught: unknown;
    try {
      resolveMonitorSpec(spec({ name: "", headers }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as InvalidArgumentError).field).toBe("monitor");
    expect((caught as Error).message).toMatch(
      /^monitor must be at most 32768 bytes serialized \(got 25\d{4}\)$/,
    );
  });

  it("rejects a missing spec", () => {
    expect(() => resolveMonitorSpec(undefined)).toThrow("monitor is required");
  });
});
