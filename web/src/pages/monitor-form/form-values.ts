import type { Monitor } from "../../../../gen/pulsar/v1/monitor_pb";
import { durationInput } from "../../lib/duration";
import { type KindName, kindOf } from "../../lib/monitor-kind";
import { browserTimeZone } from "../maintenance/zoned-time";
import { formatExpectedStatus } from "./expected-status";
import { type RuleName, ruleNameOf } from "./regions";

/** DnsExpectation is what a DNS monitor's answer must be: any record, one containing a text,
 * exactly some records, or no such name. */
export type DnsExpectation = "any" | "contains" | "exact" | "nxdomain";

/** HeartbeatSchedule is how a heartbeat's deadlines are set: a period, or a cron expression. */
export type HeartbeatSchedule = "period" | "cron";

/**
 * MonitorFormValues are the form's fields as typed (numbers too, until submitted), for every
 * kind at once: switching kinds keeps what was typed for the others.
 */
export interface MonitorFormValues {
  kind: KindName;
  name: string;
  url: string;
  interval: string;
  timeout: string;
  method: string;
  expectedStatus: string;
  keyword: string;
  followRedirects: boolean;
  ignoreTlsErrors: boolean;
  /** HTTP conditions, one per line of the editor; blank lines are left out when sent. */
  conditions: string[];
  /** Days before a certificate expires to alert at, as typed ("14, 3"). */
  tlsExpiryDays: string;
  tlsExpiryAlertsOff: boolean;
  tcpHost: string;
  tcpPort: string;
  tcpTls: boolean;
  tcpSend: string;
  tcpExpect: string;
  dnsName: string;
  dnsRecordType: string;
  dnsServer: string;
  dnsExpectation: DnsExpectation;
  dnsExpect: string;
  heartbeatSchedule: HeartbeatSchedule;
  /** Durations as typed: "1 h", "5m", "300". */
  heartbeatPeriod: string;
  heartbeatGrace: string;
  heartbeatCron: string;
  heartbeatTimezone: string;
  /** The regions that check the monitor, as typed ("eu-west, us-east"); empty: the default. */
  regions: string;
  /** How the regions' results decide the state, when there is more than one. */
  regionRule: RuleName;
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
  "kind" | "followRedirects" | "ignoreTlsErrors" | "publicBadges" | "tcpTls" | "tlsExpiryAlertsOff"
>;

/** ConditionField names one line of the conditions editor, as the server's errors do. */
export type ConditionField = `conditions[${number}]`;

/** FieldErrors are the errors shown beside fields (and beside single condition lines). */
export type FieldErrors = Partial<Record<MonitorFormField | ConditionField, string>>;

/** METHODS are the HTTP methods the form offers. */
export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** RECORD_TYPES are the DNS record types a DNS monitor can query. */
export const RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "CAA", "SRV"] as const;

/** DEFAULT_TLS_EXPIRY_DAYS are the server's thresholds when none are given. */
export const DEFAULT_TLS_EXPIRY_DAYS = "14, 3";

/** NEW_MONITOR is the form of a new monitor: the server's defaults, spelled out. */
export const NEW_MONITOR: MonitorFormValues = {
  kind: "http",
  name: "",
  url: "",
  interval: "60",
  timeout: "10000",
  method: "GET",
  expectedStatus: "200-399",
  keyword: "",
  followRedirects: true,
  ignoreTlsErrors: false,
  conditions: [],
  tlsExpiryDays: DEFAULT_TLS_EXPIRY_DAYS,
  tlsExpiryAlertsOff: false,
  tcpHost: "",
  tcpPort: "",
  tcpTls: false,
  tcpSend: "",
  tcpExpect: "",
  dnsName: "",
  dnsRecordType: "A",
  dnsServer: "",
  dnsExpectation: "any",
  dnsExpect: "",
  heartbeatSchedule: "period",
  heartbeatPeriod: "1 h",
  heartbeatGrace: "5 min",
  heartbeatCron: "",
  // The person's own zone: a cron written for "3 in the morning" means theirs.
  heartbeatTimezone: browserTimeZone(),
  regions: "",
  regionRule: "majority",
  confirmations: "2",
  recoveryConfirmations: "1",
  reminderMinutes: "0",
  alertChannelIds: [],
  publicBadges: false,
};

/**
 * defaultConfirmations is the server's default count of failures before DOWN: 1 for a
 * heartbeat, whose deadline already allows for lateness, else 2.
 */
export function defaultConfirmations(kind: KindName): string {
  return kind === "heartbeat" ? "1" : "2";
}

/**
 * valuesOf fills the form from a stored monitor. The fields of the other kinds keep the new
 * monitor's defaults, so switching kinds while editing starts from sensible values.
 */
export function valuesOf(monitor: Monitor): MonitorFormValues {
  const kind = kindOf(monitor);
  const values: MonitorFormValues = {
    ...NEW_MONITOR,
    kind,
    name: monitor.name,
    ignoreTlsErrors: monitor.ignoreTlsErrors,
    // Stored thresholds are the ones in force, defaults resolved; none on a monitor with a
    // certificate means they were turned off.
    tlsExpiryDays:
      monitor.tlsExpiryAlertDays.length > 0
        ? monitor.tlsExpiryAlertDays.join(", ")
        : DEFAULT_TLS_EXPIRY_DAYS,
    tlsExpiryAlertsOff: hasCertificate(monitor) && monitor.tlsExpiryAlertDays.length === 0,
    // 0 is no valid count: a monitor stored before alerts existed gets the server's default.
    confirmations: monitor.confirmations ? String(monitor.confirmations) : "",
    recoveryConfirmations: monitor.recoveryConfirmations
      ? String(monitor.recoveryConfirmations)
      : "",
    reminderMinutes: String(monitor.reminderMinutes),
    alertChannelIds: [...monitor.alertChannelIds],
    publicBadges: monitor.publicBadges,
  };
  if (kind !== "heartbeat") {
    values.interval = String(monitor.intervalSeconds);
    values.timeout = String(monitor.timeoutMs);
    // The regions come resolved (the default region named when none was stored).
    values.regions = monitor.regions.join(", ");
    values.regionRule = ruleNameOf(monitor.regionRule);
  }
  if (kind === "http") {
    values.url = monitor.url;
    values.method = monitor.method || "GET";
    values.expectedStatus = formatExpectedStatus(monitor.expectedStatus);
    values.keyword = monitor.keyword ?? "";
    values.followRedirects = monitor.followRedirects;
    values.conditions = [...monitor.conditions];
  }
  if (kind === "tcp" && monitor.tcp) {
    const tcp = monitor.tcp;
    values.tcpHost = tcp.host;
    values.tcpPort = tcp.port ? String(tcp.port) : "";
    values.tcpTls = tcp.tls;
    values.tcpSend = tcp.send ?? "";
    values.tcpExpect = tcp.expect ?? "";
  }
  if (kind === "dns" && monitor.dns) {
    const dns = monitor.dns;
    values.dnsName = dns.name;
    values.dnsRecordType = dns.recordType || "A";
    values.dnsServer = dns.server;
    values.dnsExpect = dns.expect ?? "";
    values.dnsExpectation = dns.expectNxdomain
      ? "nxdomain"
      : dns.expect === undefined || dns.expect === ""
        ? "any"
        : dns.expectExact
          ? "exact"
          : "contains";
  }
  if (kind === "heartbeat" && monitor.heartbeat) {
    const beat = monitor.heartbeat;
    values.heartbeatSchedule = beat.cron ? "cron" : "period";
    values.heartbeatPeriod = beat.periodSeconds ? durationInput(beat.periodSeconds) : "1 h";
    values.heartbeatGrace = durationInput(beat.graceSeconds ?? 300);
    values.heartbeatCron = beat.cron;
    values.heartbeatTimezone = beat.timezone || "UTC";
  }
  return values;
}

/** hasCertificate tells whether a stored monitor's target presents a certificate. */
function hasCertificate(monitor: Monitor): boolean {
  switch (kindOf(monitor)) {
    case "http":
      return /^https:/i.test(monitor.url);
    case "tcp":
      return monitor.tcp?.tls ?? false;
    default:
      return false;
  }
}

/** usesCertificate tells whether the form's target presents a certificate (HTTPS, TLS over TCP). */
export function usesCertificate(values: MonitorFormValues): boolean {
  if (values.kind === "http") return /^\s*https:/i.test(values.url);
  return values.kind === "tcp" && values.tcpTls;
}
