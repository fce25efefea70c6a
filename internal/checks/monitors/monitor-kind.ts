import { fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import {
  type DnsSpec,
  DnsSpecSchema,
  type HeartbeatSpec,
  HeartbeatSpecSchema,
  type TcpSpec,
  TcpSpecSchema,
} from "../../../gen/pulsar/v1/check_pb.js";
import { MonitorKind } from "../../../gen/pulsar/v1/monitor_pb.js";

/** MonitorKindName is monitors.kind: what a monitor checks. */
export type MonitorKindName = "http" | "tcp" | "dns" | "heartbeat";

const BY_NAME: Record<MonitorKindName, MonitorKind> = {
  http: MonitorKind.HTTP,
  tcp: MonitorKind.TCP,
  dns: MonitorKind.DNS,
  heartbeat: MonitorKind.HEARTBEAT,
};

/** kindOfName turns monitors.kind into the enum; an unknown name (a bug) reads as HTTP. */
export function kindOfName(name: string): MonitorKind {
  return BY_NAME[name as MonitorKindName] ?? MonitorKind.HTTP;
}

/** nameOfKind turns the enum into monitors.kind; "" for UNSPECIFIED (every kind). */
export function nameOfKind(kind: MonitorKind): MonitorKindName | "" {
  for (const [name, value] of Object.entries(BY_NAME)) {
    if (value === kind) return name as MonitorKindName;
  }
  return "";
}

/** KindSpecs are a monitor's own spec for the kinds other than HTTP (monitors.kind_spec). */
export interface KindSpecs {
  tcp?: TcpSpec;
  dns?: DnsSpec;
  heartbeat?: HeartbeatSpec;
}

/**
 * kindSpecJson is what monitors.kind_spec stores for a kind: the protobuf JSON of its spec, or
 * null for HTTP (whose spec is the monitor's own columns).
 */
export function kindSpecJson(kind: MonitorKindName, specs: KindSpecs): JsonValue | null {
  if (kind === "tcp" && specs.tcp) return toJson(TcpSpecSchema, specs.tcp);
  if (kind === "dns" && specs.dns) return toJson(DnsSpecSchema, specs.dns);
  if (kind === "heartbeat" && specs.heartbeat) return toJson(HeartbeatSpecSchema, specs.heartbeat);
  return null;
}

/**
 * kindSpecsFromJson reads monitors.kind_spec back. Only this package writes it, from the same
 * messages; unknown fields are tolerated so rows written before a field was removed still read.
 */
export function kindSpecsFromJson(kind: string, value: JsonValue | null): KindSpecs {
  if (value === null) return {};
  const options = { ignoreUnknownFields: true };
  if (kind === "tcp") return { tcp: fromJson(TcpSpecSchema, value, options) };
  if (kind === "dns") return { dns: fromJson(DnsSpecSchema, value, options) };
  if (kind === "heartbeat") return { heartbeat: fromJson(HeartbeatSpecSchema, value, options) };
  return {};
}
