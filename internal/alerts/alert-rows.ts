import { create, fromJson } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type AlertDelivery,
  AlertDeliverySchema,
  type AlertEvent,
  AlertEventSchema,
  AlertKind,
  ComparisonOp,
  DeliveryStatus,
  HostMetric,
  type HostRule,
  HostRuleSchema,
} from "../../gen/pulsar/v1/alert_pb.js";
import { CheckResultSchema } from "../../gen/pulsar/v1/check_pb.js";
import type {
  ListAlertEventsResult,
  ListDeliveriesResult,
  ListRulesResult,
} from "./alert-admin.queries.js";

/** AlertKindName is alert_events.kind. */
export type AlertKindName =
  | "monitor_down"
  | "monitor_recovered"
  | "monitor_reminder"
  | "host_firing"
  | "host_resolved"
  | "test"
  | "tls_expiry";

/** HostMetricName is host_rules.metric. */
export type HostMetricName = "cpu_percent" | "memory_percent" | "disk_percent" | "load1";

/** ComparisonOpName is host_rules.op. */
export type ComparisonOpName = "gt" | "gte" | "lt" | "lte";

/** ALERT_KINDS maps alert_events.kind to the proto enum. */
export const ALERT_KINDS: Readonly<Record<AlertKindName, AlertKind>> = {
  monitor_down: AlertKind.MONITOR_DOWN,
  monitor_recovered: AlertKind.MONITOR_RECOVERED,
  monitor_reminder: AlertKind.MONITOR_REMINDER,
  host_firing: AlertKind.HOST_FIRING,
  host_resolved: AlertKind.HOST_RESOLVED,
  test: AlertKind.TEST,
  tls_expiry: AlertKind.TLS_EXPIRY,
};

/** METRICS maps host_rules.metric to the proto enum. */
export const METRICS: Readonly<Record<HostMetricName, HostMetric>> = {
  cpu_percent: HostMetric.CPU_PERCENT,
  memory_percent: HostMetric.MEMORY_PERCENT,
  disk_percent: HostMetric.DISK_PERCENT,
  load1: HostMetric.LOAD1,
};

/** OPS maps host_rules.op to the proto enum. */
export const OPS: Readonly<Record<ComparisonOpName, ComparisonOp>> = {
  gt: ComparisonOp.GT,
  gte: ComparisonOp.GTE,
  lt: ComparisonOp.LT,
  lte: ComparisonOp.LTE,
};

const STATUSES: Record<string, DeliveryStatus> = {
  pending: DeliveryStatus.PENDING,
  // Being sent right now: still pending as far as a reader is concerned.
  sending: DeliveryStatus.PENDING,
  delivered: DeliveryStatus.DELIVERED,
  failed: DeliveryStatus.FAILED,
};

/** nameOf inverts one of the maps above; undefined for a value it does not hold. */
export function nameOf<N extends string, V>(map: Readonly<Record<N, V>>, value: V): N | undefined {
  for (const [name, v] of Object.entries(map) as [N, V][]) if (v === value) return name;
  return undefined;
}

/** alertKindOf reads alert_events.kind (a CHECK constraint keeps it to the known names). */
export function alertKindOf(kind: string): AlertKind {
  return ALERT_KINDS[kind as AlertKindName] ?? AlertKind.UNSPECIFIED;
}

/** deliveryFromRow turns an alert_deliveries row into a pulsar.v1.AlertDelivery. */
export function deliveryFromRow(
  row: Omit<ListDeliveriesResult, "event_id" | "attempts"> & { attempts?: number },
): AlertDelivery {
  return create(AlertDeliverySchema, {
    channelId: row.channel_id,
    channelName: row.channel_name,
    status: STATUSES[row.status] ?? DeliveryStatus.UNSPECIFIED,
    attempts: row.attempts ?? 0,
    error: row.error,
    deliveredAt: row.delivered_at ? timestampFromDate(row.delivered_at) : undefined,
  });
}

/** AlertEventRow is the alert_events columns an event is read from, whichever query read them. */
export type AlertEventRow = Pick<
  ListAlertEventsResult,
  | "id"
  | "kind"
  | "created_at"
  | "monitor_id"
  | "host_id"
  | "rule_id"
  | "incident_id"
  | "title"
  | "message"
  | "check_result"
  | "value"
  | "downtime_seconds"
>;

/** alertEventFromRow turns an alert_events row and its deliveries into a pulsar.v1.AlertEvent. */
export function alertEventFromRow(row: AlertEventRow, deliveries: AlertDelivery[]): AlertEvent {
  return create(AlertEventSchema, {
    id: row.id,
    kind: alertKindOf(row.kind),
    createdAt: timestampFromDate(row.created_at),
    monitorId: row.monitor_id ?? "",
    hostId: row.host_id ?? "",
    ruleId: row.rule_id ?? "",
    incidentId: row.incident_id ?? "",
    title: row.title,
    message: row.message,
    // Stored from toJson(CheckResultSchema); unknown fields are tolerated so that rows written
    // before a field was removed from the proto still read.
    checkResult:
      row.check_result === null
        ? undefined
        : fromJson(CheckResultSchema, row.check_result, { ignoreUnknownFields: true }),
    value: row.value ?? 0,
    downtimeSeconds: row.downtime_seconds ?? 0,
    deliveries,
  });
}

/** ruleFromRow turns a host_rules row into a pulsar.v1.HostRule. */
export function ruleFromRow(row: ListRulesResult): HostRule {
  return create(HostRuleSchema, {
    id: row.id,
    spec: {
      name: row.name,
      hostId: row.host_id ?? "",
      hostSelector: row.host_selector,
      metric: METRICS[row.metric as HostMetricName] ?? HostMetric.UNSPECIFIED,
      mount: row.mount,
      op: OPS[row.op as ComparisonOpName] ?? ComparisonOp.UNSPECIFIED,
      threshold: row.threshold,
      forSeconds: row.for_seconds,
      channelIds: row.channel_ids,
    },
    createdAt: timestampFromDate(row.created_at),
  });
}
