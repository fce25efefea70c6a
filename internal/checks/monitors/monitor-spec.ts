import { create, toBinary } from "@bufbuild/protobuf";
import {
  DnsSpecSchema,
  HeartbeatSpecSchema,
  TcpSpecSchema,
} from "../../../gen/pulsar/v1/check_pb.js";
import { type MonitorSpec, MonitorSpecSchema } from "../../../gen/pulsar/v1/monitor_pb.js";
import { checkChannelIds } from "../../alerts/channels/channel-ids.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { intInRange } from "../../core/validate.js";
import { resolveHttp } from "./http-spec.js";
import { resolveDnsSpec, resolveHeartbeatSpec, resolveTcpSpec } from "./kind-specs.js";
import { resolveTlsExpiryAlertDays } from "./monitor-extras.js";
import type { MonitorKindName } from "./monitor-kind.js";
import { resolveRegions } from "./monitor-regions.js";
import { resolveTimes } from "./monitor-times.js";
import type { ResolvedMonitorSpec } from "./monitors.js";

/**
 * MAX_SPEC_BYTES bounds a whole spec, serialized as protobuf binary: every spec is copied into
 * the job scheduler in the Redis all organizations share, and into each check job. The
 * per-field bounds below each fit well within it; together they may not, and this says no.
 */
export const MAX_SPEC_BYTES = 32 * 1024;
/**
 * resolveMonitorSpec validates a spec and applies its defaults. `field` is the request field
 * holding it, so that messages read `monitor.intervalSeconds must be between 10 and 86400`.
 */
export function resolveMonitorSpec(
  spec: MonitorSpec | undefined,
  field = "monitor",
): ResolvedMonitorSpec {
  if (!spec) throw new InvalidArgumentError(field, "is required");
  // First, before any per-field work: what follows then runs on at most MAX_SPEC_BYTES.
  const size = toBinary(MonitorSpecSchema, spec).byteLength;
  if (size > MAX_SPEC_BYTES) {
    throw new InvalidArgumentError(
      field,
      `must be at most ${MAX_SPEC_BYTES} bytes serialized (got ${size})`,
    );
  }
  const name = spec.name.trim();
  if (name.length < 1 || name.length > 200) {
    throw new InvalidArgumentError(`${field}.name`, "must be 1–200 characters");
  }
  const kind = kindOf(spec, field);
  const shared = resolveShared(spec, field, kind);
  switch (kind) {
    case "http":
      return { name, ...shared, ...resolveHttp(spec, field) };
    case "tcp": {
      notForKind(spec, field, kind);
      const tcp = resolveTcpSpec(`${field}.tcp`, spec.tcp ?? create(TcpSpecSchema));
      if (!tcp.tls) notWithoutTls(spec, field);
      return {
        name,
        ...shared,
        ...NOT_HTTP,
        ...resolveTimes(spec, field),
        kind,
        tcp,
        ignoreTlsErrors: spec.ignoreTlsErrors,
        tlsExpiryAlertDays: tcp.tls ? resolveTlsExpiryAlertDays(spec, field) : [],
      };
    }
    case "dns":
      notForKind(spec, field, kind);
      notWithoutTls(spec, field);
      return {
        name,
        ...shared,
        ...NOT_HTTP,
        ...resolveTimes(spec, field),
        kind,
        dns: resolveDnsSpec(`${field}.dns`, spec.dns ?? create(DnsSpecSchema)),
      };
    case "heartbeat": {
      notForKind(spec, field, kind);
      notWithoutTls(spec, field);
      for (const key of ["intervalSeconds", "timeoutMs"] as const) {
        if (spec[key] !== undefined)
          throw new InvalidArgumentError(
            `${field}.${key}`,
            `does not apply to heartbeat monitors (see ${field}.heartbeat)`,
          );
      }
      const heartbeat = resolveHeartbeatSpec(
        `${field}.heartbeat`,
        spec.heartbeat ?? create(HeartbeatSpecSchema),
      );
      // Not scheduled: the interval only sizes charts and staleness; a cron job is shown hourly.
      const period = heartbeat.periodSeconds === 0 ? 3600 : heartbeat.periodSeconds;
      return {
        name,
        ...shared,
        ...NOT_HTTP,
        intervalSeconds: Math.min(Math.max(period, 10), 86_400),
        timeoutMs: 10_000,
        kind,
        heartbeat,
      };
    }
  }
}

/** The HTTP columns of a monitor of another kind: stored at their defaults, unused. */
const NOT_HTTP = {
  url: "",
  method: "GET",
  headers: {},
  expectedStatus: [{ min: 200, max: 399 }],
  invertKeyword: false,
  followRedirects: true,
  ignoreTlsErrors: false,
  conditions: [],
  tlsExpiryAlertDays: [],
} satisfies Partial<ResolvedMonitorSpec>;

/** kindOf tells which kind a spec is by which of url, tcp, dns and heartbeat it sets. */
function kindOf(spec: MonitorSpec, field: string): MonitorKindName {
  const set: MonitorKindName[] = [];
  if (spec.url.trim() !== "") set.push("http");
  if (spec.tcp) set.push("tcp");
  if (spec.dns) set.push("dns");
  if (spec.heartbeat) set.push("heartbeat");
  const [kind, second] = set;
  if (kind === undefined)
    throw new InvalidArgumentError(
      `${field}.url`,
      `is required (or set ${field}.tcp, ${field}.dns or ${field}.heartbeat)`,
    );
  if (second !== undefined) {
    const key = second === "http" ? "url" : second;
    throw new InvalidArgumentError(
      `${field}.${key}`,
      "cannot be set with another kind: set exactly one of url, tcp, dns and heartbeat",
    );
  }
  return kind;
}

/** The fields every kind has. */
function resolveShared(spec: MonitorSpec, field: string, kind: MonitorKindName) {
  // A heartbeat's deadline already allows for lateness (its grace): one missed one is DOWN.
  const confirmations = intInRange(
    `${field}.confirmations`,
    spec.confirmations,
    1,
    10,
    kind === "heartbeat" ? 1 : 2,
  );
  const recoveryConfirmations = intInRange(
    `${field}.recoveryConfirmations`,
    spec.recoveryConfirmations,
    1,
    10,
    1,
  );
  return {
    enabled: spec.enabled ?? true,
    confirmations,
    recoveryConfirmations,
    reminderMinutes: checkReminderMinutes(`${field}.reminderMinutes`, spec.reminderMinutes),
    alertChannelIds: checkChannelIds(`${field}.alertChannelIds`, spec.alertChannelIds),
    publicBadges: spec.publicBadges,
    ...resolveRegions(spec, field, kind),
  };
}

/**
 * notForKind refuses the HTTP-only fields on a monitor of another kind, naming the field: a
 * client that sends them believes they do something.
 */
function notForKind(spec: MonitorSpec, field: string, kind: MonitorKindName): void {
  const set: [string, boolean][] = [
    ["method", spec.method !== ""],
    ["headers", Object.keys(spec.headers).length > 0],
    ["body", spec.body !== undefined],
    ["expectedStatus", spec.expectedStatus.length > 0],
    ["keyword", spec.keyword !== undefined],
    ["invertKeyword", spec.invertKeyword],
    ["followRedirects", spec.followRedirects !== undefined],
    ["conditions", spec.conditions.length > 0],
  ];
  for (const [key, isSet] of set) {
    if (isSet)
      throw new InvalidArgumentError(`${field}.${key}`, `is for HTTP monitors, not ${kind}`);
  }
}

/** notWithoutTls refuses the certificate fields on kinds that never see a certificate. */
function notWithoutTls(spec: MonitorSpec, field: string): void {
  if (spec.ignoreTlsErrors)
    throw new InvalidArgumentError(`${field}.ignoreTlsErrors`, "is for HTTP and TLS TCP monitors");
  if (spec.tlsExpiryAlertDays.length > 0 || spec.tlsExpiryAlertsOff)
    throw new InvalidArgumentError(
      `${field}.tlsExpiryAlertDays`,
      "is for HTTP and TLS TCP monitors",
    );
}

/** checkReminderMinutes reads reminder_minutes: 0 (the default) for none, else 5–1440. */
function checkReminderMinutes(field: string, value: number | undefined): number {
  if (value === undefined || value === 0) return 0;
  // Reminders more often than every 5 minutes would be noise, not a reminder.
  if (!Number.isInteger(value) || value < 5 || value > 1440)
    throw new InvalidArgumentError(field, "must be 0 (no reminders) or between 5 and 1440");
  return value;
}
