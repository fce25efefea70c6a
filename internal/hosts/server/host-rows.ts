import { create, fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type AgentSettings,
  AgentSettingsSchema,
  type Host,
  HostSchema,
} from "../../../gen/pulsar/v1/host_pb.js";
import { effectiveLabels } from "../labels/label-selector.js";

/** HostRow is a hosts row as ListHosts, GetHost and UpdateHost read it. */
export interface HostRow {
  id: string;
  hostname: string;
  name: string;
  os: string;
  kernel: string;
  arch: string;
  cpu_model: string;
  cores: number;
  memory_bytes: number;
  ip_address: string;
  agent_version: string;
  first_seen: Date;
  last_seen: Date;
  agent_labels: unknown;
  labels: unknown;
  agent_settings: unknown;
  shared: boolean;
}

/**
 * labelsOf reads a jsonb label set; only string values count (the column is written by this
 * code alone, from validated sets, so anything else is a bug, and is left out rather than
 * shown). NULL reads as undefined: labels never edited.
 */
export function labelsOf(json: unknown): Record<string, string> | undefined {
  if (json === null || json === undefined || typeof json !== "object" || Array.isArray(json)) {
    return undefined;
  }
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === "string") labels[key] = value;
  }
  return labels;
}

/** agentSettingsOf reads the agent_settings column (protobuf JSON); NULL: none set. */
export function agentSettingsOf(json: unknown): AgentSettings | undefined {
  if (json === null || json === undefined) return undefined;
  return fromJson(AgentSettingsSchema, json as JsonValue, { ignoreUnknownFields: true });
}

/**
 * agentSettingsJson is what the agent_settings column stores: protobuf JSON, or '' (NULL) for
 * settings that ask nothing (no interval, no reading left out): the agent uses its own.
 */
export function agentSettingsJson(settings: AgentSettings): string {
  if (settings.sampleIntervalMs === 0 && settings.disabledReadings.length === 0) return "";
  return JSON.stringify(toJson(AgentSettingsSchema, settings));
}

/** hostFromRow turns a hosts row into a pulsar.v1.Host; online: a sample since onlineSince. */
export function hostFromRow(row: HostRow, onlineSince: number): Host {
  const edited = labelsOf(row.labels);
  const agentLabels = labelsOf(row.agent_labels) ?? {};
  return create(HostSchema, {
    id: row.id,
    hostname: row.hostname,
    name: row.name,
    os: row.os,
    kernel: row.kernel,
    arch: row.arch,
    cpuModel: row.cpu_model,
    cores: row.cores,
    memoryBytes: row.memory_bytes,
    ipAddress: row.ip_address,
    agentVersion: row.agent_version,
    firstSeen: timestampFromDate(row.first_seen),
    lastSeen: timestampFromDate(row.last_seen),
    online: row.last_seen.getTime() >= onlineSince,
    shared: row.shared,
    labels: { ...effectiveLabels(edited, agentLabels) },
    agentLabels,
    labelsEdited: edited !== undefined,
    agentSettings: agentSettingsOf(row.agent_settings) ?? undefined,
  });
}
