import { create } from "@bufbuild/protobuf";
import {
  type Monitor,
  type MonitorSpec,
  MonitorSpecSchema,
} from "../../../../gen/pulsar/v1/monitor_pb";
import { formatExpectedStatus, parseExpectedStatus } from "./expected-status";

/** MonitorFormValues are the form's fields as typed (numbers too, until submitted). */
export interface MonitorFormValues {
  name: string;
  url: string;
  interval: string;
  timeout: string;
  method: string;
  expectedStatus: string;
  keyword: string;
  followRedirects: boolean;
  ignoreTlsErrors: boolean;
  confirmations: string;
  recoveryConfirmations: string;
  reminderMinutes: string;
  /** The AlertService channels that hear when the monitor goes down and recovers. */
  alertChannelIds: string[];
  /** Serve the monitor's SVG badges to anyone at /badge/<publicId>/…. */
  publicBadges: boolean;
}

/** MonitorFormField is a field that can have an error beside it. */
export type MonitorFormField = Exclude<
  keyof MonitorFormValues,
  "followRedirects" | "ignoreTlsErrors" | "publicBadges"
>;

/** FieldErrors are the errors shown beside fields. */
export type FieldErrors = Partial<Record<MonitorFormField, string>>;

/** METHODS are the HTTP methods the form offers. */
export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** NEW_MONITOR is the form of a new monitor: the server's defaults, spelled out. */
export const NEW_MONITOR: MonitorFormValues = {
  name: "",
  url: "",
  interval: "60",
  timeout: "10000",
  method: "GET",
  expectedStatus: "200-399",
  keyword: "",
  followRedirects: true,
  ignoreTlsErrors: false,
  confirmations: "2",
  recoveryConfirmations: "1",
  reminderMinutes: "0",
  alertChannelIds: [],
  publicBadges: false,
};

/** valuesOf fills the form from a stored monitor. */
export function valuesOf(monitor: Monitor): MonitorFormValues {
  return {
    name: monitor.name,
    url: monitor.url,
    interval: String(monitor.intervalSeconds),
    timeout: String(monitor.timeoutMs),
    method: monitor.method,
    expectedStatus: formatExpectedStatus(monitor.expectedStatus),
    keyword: monitor.keyword ?? "",
    followRedirects: monitor.followRedirects,
    ignoreTlsErrors: monitor.ignoreTlsErrors,
    // 0 is no valid count: a monitor stored before alerts existed gets the server's default.
    confirmations: monitor.confirmations ? String(monitor.confirmations) : "",
    recoveryConfirmations: monitor.recoveryConfirmations
      ? String(monitor.recoveryConfirmations)
      : "",
    reminderMinutes: String(monitor.reminderMinutes),
    alertChannelIds: [...monitor.alertChannelIds],
    publicBadges: monitor.publicBadges,
  };
}

/**
 * specOf turns the form into the spec to send, or the errors that stop it being sent (only
 * what the form alone can tell: the server checks ranges and says so in its own words).
 * `base` is the monitor being edited: UpdateMonitor replaces the whole spec, so what the form
 * does not show (headers, body, inverted keyword, paused) is carried over from it.
 */
export function specOf(
  values: MonitorFormValues,
  base?: Monitor,
): { spec: MonitorSpec } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const interval = wholeNumber(values.interval);
  if (interval === null) errors.interval = "Enter a whole number of seconds";
  const timeout = wholeNumber(values.timeout);
  if (timeout === null) errors.timeout = "Enter a whole number of milliseconds";
  const expected = parseExpectedStatus(values.expectedStatus);
  if ("error" in expected) errors.expectedStatus = expected.error;
  const confirmations = wholeNumber(values.confirmations);
  if (confirmations === null) errors.confirmations = "Enter a whole number of checks";
  const recovery = wholeNumber(values.recoveryConfirmations);
  if (recovery === null) errors.recoveryConfirmations = "Enter a whole number of checks";
  const reminder = wholeNumber(values.reminderMinutes);
  if (reminder === null) errors.reminderMinutes = "Enter a whole number of minutes";
  if (
    interval === null ||
    timeout === null ||
    "error" in expected ||
    confirmations === null ||
    recovery === null ||
    reminder === null
  ) {
    return { errors };
  }

  const keyword = values.keyword === "" ? undefined : values.keyword;
  return {
    spec: create(MonitorSpecSchema, {
      name: values.name.trim(),
      url: values.url.trim(),
      method: values.method,
      headers: base?.headers ?? {},
      body: base?.body,
      intervalSeconds: interval,
      timeoutMs: timeout,
      expectedStatus: expected.ranges,
      keyword,
      invertKeyword: keyword !== undefined && (base?.invertKeyword ?? false),
      followRedirects: values.followRedirects,
      ignoreTlsErrors: values.ignoreTlsErrors,
      enabled: base?.enabled,
      confirmations,
      recoveryConfirmations: recovery,
      reminderMinutes: reminder,
      alertChannelIds: values.alertChannelIds,
      publicBadges: values.publicBadges,
    }),
  };
}

/** A blank number is "use the default" (undefined); anything but digits is null. */
function wholeNumber(text: string): number | undefined | null {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : null;
}

const FIELD_OF_PATH: [prefix: string, field: MonitorFormField][] = [
  ["monitor.name", "name"],
  ["monitor.url", "url"],
  ["monitor.intervalSeconds", "interval"],
  ["monitor.timeoutMs", "timeout"],
  ["monitor.method", "method"],
  ["monitor.expectedStatus", "expectedStatus"],
  ["monitor.keyword", "keyword"],
  ["monitor.invertKeyword", "keyword"],
  ["monitor.confirmations", "confirmations"],
  ["monitor.recoveryConfirmations", "recoveryConfirmations"],
  ["monitor.reminderMinutes", "reminderMinutes"],
  ["monitor.alertChannelIds", "alertChannelIds"],
];

/**
 * fieldOfPath maps the request field a server error names ("monitor.expectedStatus[0].min")
 * to the form field it is about; undefined for one the form does not show (headers, body).
 */
export function fieldOfPath(path: string | undefined): MonitorFormField | undefined {
  if (!path) return undefined;
  for (const [prefix, field] of FIELD_OF_PATH) {
    const next = path.charAt(prefix.length);
    if (path.startsWith(prefix) && (next === "" || next === "." || next === "[")) return field;
  }
  return undefined;
}
