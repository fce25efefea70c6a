import type { StatusRange } from "../../../gen/pulsar/v1/check_pb.js";
import type { MonitorSpec } from "../../../gen/pulsar/v1/monitor_pb.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { intInRange } from "../../core/validate.js";
import { resolveConditions, resolveTlsExpiryAlertDays } from "./monitor-extras.js";
import { resolveTimes } from "./monitor-times.js";

/** RFC 9110 token: method and header names. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers undici manages itself and rejects when set by hand. */
const MANAGED_HEADERS = new Set([
  "connection",
  "content-length",
  "transfer-encoding",
  "keep-alive",
  "upgrade",
  "expect",
]);
const MAX_URL = 2048;
const MAX_HEADERS = 50;
const MAX_HEADER_NAME = 256;
const MAX_HEADER_VALUE = 8192;
const MAX_BODY = 16 * 1024;
/** How much of an over-long header name a message repeats. */
const QUOTED_NAME = 32;
const MAX_KEYWORD = 1000;
const MAX_STATUS_RANGES = 20;

/** resolveHttp reads the fields of an HTTP(S) monitor. */
export function resolveHttp(spec: MonitorSpec, field: string) {
  const url = checkUrl(`${field}.url`, spec.url.trim());
  const method = checkMethod(`${field}.method`, spec.method);
  const headers = checkHeaders(`${field}.headers`, spec.headers);
  if (spec.body !== undefined && Buffer.byteLength(spec.body) > MAX_BODY) {
    throw new InvalidArgumentError(`${field}.body`, `must be at most ${MAX_BODY} bytes`);
  }
  const expectedStatus = checkStatusRanges(`${field}.expectedStatus`, spec.expectedStatus);
  if (
    spec.keyword !== undefined &&
    (spec.keyword.length < 1 || spec.keyword.length > MAX_KEYWORD)
  ) {
    throw new InvalidArgumentError(`${field}.keyword`, `must be 1–${MAX_KEYWORD} characters`);
  }
  if (spec.invertKeyword && spec.keyword === undefined) {
    throw new InvalidArgumentError(`${field}.invertKeyword`, `needs ${field}.keyword`);
  }
  return {
    kind: "http" as const,
    url,
    method,
    headers,
    ...(spec.body !== undefined && { body: spec.body }),
    ...resolveTimes(spec, field),
    expectedStatus,
    ...(spec.keyword !== undefined && { keyword: spec.keyword }),
    invertKeyword: spec.invertKeyword,
    followRedirects: spec.followRedirects ?? true,
    ignoreTlsErrors: spec.ignoreTlsErrors,
    conditions: resolveConditions(`${field}.conditions`, spec.conditions),
    tlsExpiryAlertDays: resolveTlsExpiryAlertDays(spec, field),
  };
}

function checkUrl(field: string, raw: string): string {
  if (raw === "") throw new InvalidArgumentError(field, "is required");
  if (raw.length > MAX_URL)
    throw new InvalidArgumentError(field, `must be at most ${MAX_URL} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidArgumentError(field, "must be an absolute http:// or https:// URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidArgumentError(field, "must use http or https");
  }
  // WHATWG URL accepts "http://:80" style oddities as errors already; an empty or dotted host
  // remains possible ("http://./").
  if (url.hostname === "" || /^\.+$/.test(url.hostname)) {
    throw new InvalidArgumentError(field, "must have a valid host");
  }
  if (url.port !== "" && Number(url.port) === 0)
    throw new InvalidArgumentError(field, "must have a valid port");
  if (url.username !== "" || url.password !== "") {
    throw new InvalidArgumentError(
      field,
      "must not contain credentials; send them in monitor.headers",
    );
  }
  return url.toString();
}

function checkMethod(field: string, raw: string): string {
  if (raw === "") return "GET";
  if (!TOKEN.test(raw))
    throw new InvalidArgumentError(field, "must be an HTTP method token such as GET or POST");
  const method = raw.toUpperCase();
  if (method === "CONNECT") throw new InvalidArgumentError(field, "must not be CONNECT");
  return method;
}

function checkHeaders(field: string, headers: Record<string, string>): Record<string, string> {
  const entries = Object.entries(headers);
  if (entries.length > MAX_HEADERS)
    throw new InvalidArgumentError(field, `must have at most ${MAX_HEADERS} entries`);
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (Buffer.byteLength(name) > MAX_HEADER_NAME) {
      // Quoted in part: the message need not carry the whole of what was refused.
      const quoted = JSON.stringify(`${name.slice(0, QUOTED_NAME)}…`);
      throw new InvalidArgumentError(
        `${field}[${quoted}]`,
        `name must be at most ${MAX_HEADER_NAME} bytes`,
      );
    }
    const at = `${field}[${JSON.stringify(name)}]`;
    if (!TOKEN.test(name)) throw new InvalidArgumentError(at, "is not a valid header name");
    if (MANAGED_HEADERS.has(name.toLowerCase()))
      throw new InvalidArgumentError(at, "is set by Pulsar and cannot be overridden");
    // CR/LF would let a value inject headers; NUL and other controls are invalid in HTTP.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
      throw new InvalidArgumentError(at, "must not contain CR, LF or other control characters");
    }
    if (Buffer.byteLength(value) > MAX_HEADER_VALUE)
      throw new InvalidArgumentError(at, `must be at most ${MAX_HEADER_VALUE} bytes`);
    out[name] = value;
  }
  return out;
}

function checkStatusRanges(field: string, ranges: StatusRange[]): { min: number; max: number }[] {
  if (ranges.length === 0) return [{ min: 200, max: 399 }];
  if (ranges.length > MAX_STATUS_RANGES)
    throw new InvalidArgumentError(field, `must have at most ${MAX_STATUS_RANGES} ranges`);
  return ranges.map((range, i) => {
    const at = `${field}[${i}]`;
    const min = intInRange(`${at}.min`, range.min, 100, 599, 0);
    // A single status can be written {min: 404} alone.
    const max = range.max === 0 ? min : intInRange(`${at}.max`, range.max, 100, 599, 0);
    if (max < min) throw new InvalidArgumentError(`${at}.max`, `must not be below ${at}.min`);
    return { min, max };
  });
}
