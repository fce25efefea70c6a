import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  type Monitor,
  type MonitorSpec,
  MonitorSpecSchema,
} from "../../../../gen/pulsar/v1/monitor_pb";
import { parseDuration } from "../../lib/duration";
import { kindOf } from "../../lib/monitor-kind";
import { parseExpectedStatus } from "./expected-status";
import { type FieldErrors, type MonitorFormValues, usesCertificate } from "./form-values";
import { parseRegions, ruleOfName } from "./regions";
import { parseTlsExpiryDays } from "./tls-expiry-days";

/** Bounds the server enforces, checked here too so obvious slips never leave the page. */
const MAX_CONDITIONS = 20;
const MAX_CONDITION_CHARS = 500;
const MIN_PERIOD_S = 10;
const MAX_PERIOD_S = 2_678_400;

/** BuiltSpec is the spec to send, or the errors that stop it being sent. */
export type BuiltSpec = { spec: MonitorSpec } | { errors: FieldErrors };

/**
 * specOf turns the form into the spec to send, or the errors that stop it being sent (what the
 * form alone can tell: whole numbers, durations, the obvious bounds; the server checks the
 * rest and says so in its own words). Only the chosen kind's fields are sent. `base` is the
 * monitor being edited: UpdateMonitor replaces the whole spec, so what the form does not show
 * (headers, body, inverted keyword, paused) is carried over from it.
 */
export function specOf(values: MonitorFormValues, base?: Monitor): BuiltSpec {
  const errors: FieldErrors = {};
  const heartbeat = values.kind === "heartbeat";
  const interval = heartbeat ? undefined : wholeNumber(values.interval);
  if (interval === null) errors.interval = "Enter a whole number of seconds";
  const timeout = heartbeat ? undefined : wholeNumber(values.timeout);
  if (timeout === null) errors.timeout = "Enter a whole number of milliseconds";
  const confirmations = wholeNumber(values.confirmations);
  if (confirmations === null) errors.confirmations = "Enter a whole number of checks";
  const recovery = wholeNumber(values.recoveryConfirmations);
  if (recovery === null) errors.recoveryConfirmations = "Enter a whole number of checks";
  const reminder = wholeNumber(values.reminderMinutes);
  if (reminder === null) errors.reminderMinutes = "Enter a whole number of minutes";
  const certificate = certificateAlerts(values, errors);
  const target = targetSpec(values, base, errors);
  const regions = heartbeat ? { regions: [] } : regionsSpec(values, errors);

  if (
    interval === null ||
    timeout === null ||
    confirmations === null ||
    recovery === null ||
    reminder === null ||
    Object.values(errors).some((error) => error !== undefined)
  ) {
    return { errors };
  }
  return {
    spec: create(MonitorSpecSchema, {
      name: values.name.trim(),
      intervalSeconds: interval,
      timeoutMs: timeout,
      enabled: base?.enabled,
      confirmations,
      recoveryConfirmations: recovery,
      reminderMinutes: reminder,
      alertChannelIds: values.alertChannelIds,
      publicBadges: values.publicBadges,
      ...certificate,
      ...target,
      ...regions,
    }),
  };
}

/** SpecPart is some fields of a spec, as create() takes them. */
type SpecPart = MessageInitShape<typeof MonitorSpecSchema>;

/** targetSpec is the chosen kind's part of the spec; problems go into errors. */
function targetSpec(
  values: MonitorFormValues,
  base: Monitor | undefined,
  errors: FieldErrors,
): SpecPart {
  switch (values.kind) {
    case "tcp":
      return tcpSpec(values, errors);
    case "dns":
      return dnsSpec(values, errors);
    case "heartbeat":
      return heartbeatSpec(values, errors);
    default:
      return httpSpec(values, base && kindOf(base) === "http" ? base : undefined, errors);
  }
}

function httpSpec(
  values: MonitorFormValues,
  base: Monitor | undefined,
  errors: FieldErrors,
): SpecPart {
  const expected = parseExpectedStatus(values.expectedStatus);
  if ("error" in expected) errors.expectedStatus = expected.error;
  const conditions = conditionsOf(values.conditions, errors);
  const keyword = values.keyword === "" ? undefined : values.keyword;
  return {
    url: values.url.trim(),
    method: values.method,
    headers: base?.headers ?? {},
    body: base?.body,
    expectedStatus: "error" in expected ? [] : expected.ranges,
    keyword,
    invertKeyword: keyword !== undefined && (base?.invertKeyword ?? false),
    followRedirects: values.followRedirects,
    ignoreTlsErrors: values.ignoreTlsErrors,
    conditions,
  };
}

/** conditionsOf keeps the lines with text, errors naming the line (as the server does). */
function conditionsOf(lines: readonly string[], errors: FieldErrors): string[] {
  const kept: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    if (line.length > MAX_CONDITION_CHARS) {
      errors[`conditions[${i}]`] = `At most ${MAX_CONDITION_CHARS} characters`;
    }
    kept.push(line.trim());
  });
  if (kept.length > MAX_CONDITIONS) errors.conditions = `At most ${MAX_CONDITIONS} conditions`;
  return kept;
}

function tcpSpec(values: MonitorFormValues, errors: FieldErrors): SpecPart {
  const host = values.tcpHost.trim();
  if (host === "") errors.tcpHost = "Enter a host name or IP address";
  const port = wholeNumber(values.tcpPort);
  if (port === null || port === undefined || port < 1 || port > 65_535) {
    errors.tcpPort = "Enter a port from 1 to 65535";
  }
  return {
    tcp: {
      // An IPv6 address is sent without the brackets people often type around it.
      host: host.replace(/^\[(.*)\]$/, "$1"),
      port: port ?? 0,
      tls: values.tcpTls,
      send: values.tcpSend === "" ? undefined : values.tcpSend,
      expect: values.tcpExpect === "" ? undefined : values.tcpExpect,
    },
    ignoreTlsErrors: values.tcpTls && values.ignoreTlsErrors,
  };
}

function dnsSpec(values: MonitorFormValues, errors: FieldErrors): SpecPart {
  const name = values.dnsName.trim();
  if (name === "") errors.dnsName = "Enter the name to query, e.g. example.com";
  const expectation = values.dnsExpectation;
  const wanted = expectation === "contains" || expectation === "exact";
  if (wanted && values.dnsExpect.trim() === "") {
    errors.dnsExpect =
      expectation === "exact" ? "Enter the records, separated by commas" : "Enter the text";
  }
  return {
    dns: {
      name,
      recordType: values.dnsRecordType,
      server: values.dnsServer.trim(),
      expect: wanted ? values.dnsExpect.trim() : undefined,
      expectExact: expectation === "exact",
      expectNxdomain: expectation === "nxdomain",
    },
  };
}

function heartbeatSpec(values: MonitorFormValues, errors: FieldErrors): SpecPart {
  const cron = values.heartbeatSchedule === "cron";
  const period = cron ? 0 : parseDuration(values.heartbeatPeriod);
  if (period === null || (!cron && (period < MIN_PERIOD_S || period > MAX_PERIOD_S))) {
    errors.heartbeatPeriod = "Enter a period from 10 s to 31 d, e.g. 5 min or 1 h";
  }
  const grace = parseDuration(values.heartbeatGrace);
  if (grace === null || grace > MAX_PERIOD_S) {
    errors.heartbeatGrace = "Enter a grace time up to 31 d, e.g. 5 min (0 for none)";
  }
  if (cron && values.heartbeatCron.trim() === "") {
    errors.heartbeatCron = "Enter a cron expression, e.g. 0 3 * * *";
  }
  return {
    heartbeat: {
      periodSeconds: period ?? 0,
      graceSeconds: grace ?? undefined,
      cron: cron ? values.heartbeatCron.trim() : "",
      timezone: cron ? values.heartbeatTimezone : "",
    },
  };
}

/**
 * regionsSpec are the regions that check the monitor and their rule; the rule only when there
 * is more than one region (the form hides it otherwise, and one region decides alone).
 */
function regionsSpec(
  values: MonitorFormValues,
  errors: FieldErrors,
): Pick<MonitorSpec, "regions"> & Partial<Pick<MonitorSpec, "regionRule">> {
  const parsed = parseRegions(values.regions);
  if ("error" in parsed) {
    errors.regions = parsed.error;
    return { regions: [] };
  }
  return {
    regions: parsed.regions,
    regionRule: parsed.regions.length > 1 ? ruleOfName(values.regionRule) : undefined,
  };
}

/** certificateAlerts are the expiry thresholds for a target with a certificate, else none. */
function certificateAlerts(
  values: MonitorFormValues,
  errors: FieldErrors,
): Pick<MonitorSpec, "tlsExpiryAlertDays" | "tlsExpiryAlertsOff"> {
  if (!usesCertificate(values)) return { tlsExpiryAlertDays: [], tlsExpiryAlertsOff: false };
  if (values.tlsExpiryAlertsOff) return { tlsExpiryAlertDays: [], tlsExpiryAlertsOff: true };
  const parsed = parseTlsExpiryDays(values.tlsExpiryDays);
  if ("error" in parsed) {
    errors.tlsExpiryDays = parsed.error;
    return { tlsExpiryAlertDays: [], tlsExpiryAlertsOff: false };
  }
  return { tlsExpiryAlertDays: parsed.days, tlsExpiryAlertsOff: false };
}

/** A blank number is "use the default" (undefined); anything but digits is null. */
function wholeNumber(text: string): number | undefined | null {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : null;
}
