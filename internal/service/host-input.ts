import { create } from "@bufbuild/protobuf";
import {
  type AgentSettings,
  AgentSettingsSchema,
  type UpdateHostRequest,
} from "../../gen/pulsar/v1/host_pb.js";
import { InvalidArgumentError } from "../core/errors.js";
import { HOST_ID_PATTERN, HOST_ID_RULE } from "../core/ids.js";
import { labelSetProblem } from "../core/labels.js";
import type { HostChanges } from "../hosts/server/hosts-db.js";

/** MAX_HOST_NAME is the length limit of the name UpdateHost sets, in characters. */
export const MAX_HOST_NAME = 100;

/**
 * AGENT_READINGS are the readings AgentSettings.disabled_readings may leave out; CPU and memory
 * are always read.
 */
export const AGENT_READINGS = ["processes", "disks", "disk_io", "network", "file_handles"] as const;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** requireHostId checks a host id of a request: required, with a host id's syntax. */
export function requireHostId(field: string, id: string): string {
  if (id === "") throw new InvalidArgumentError(field, "is required");
  if (!HOST_ID_PATTERN.test(id)) throw new InvalidArgumentError(field, `must be ${HOST_ID_RULE}`);
  return id;
}

/**
 * resolveAgentSettings validates settings for a host's agent: sampleIntervalMs 0 (the agent's
 * own) or 500–60000, as the agent's SAMPLE_INTERVAL_MS; disabledReadings among AGENT_READINGS,
 * each once. The answer is a copy holding only those fields.
 */
export function resolveAgentSettings(settings: AgentSettings, field: string): AgentSettings {
  const interval = settings.sampleIntervalMs;
  if (interval !== 0 && (interval < 500 || interval > 60_000)) {
    throw new InvalidArgumentError(
      `${field}.sampleIntervalMs`,
      "must be 0 (the agent's SAMPLE_INTERVAL_MS) or between 500 and 60000",
    );
  }
  const seen = new Set<string>();
  for (const [i, reading] of settings.disabledReadings.entries()) {
    if (!(AGENT_READINGS as readonly string[]).includes(reading)) {
      throw new InvalidArgumentError(
        `${field}.disabledReadings[${i}]`,
        `must be one of ${AGENT_READINGS.join(", ")}`,
      );
    }
    if (seen.has(reading)) {
      throw new InvalidArgumentError(`${field}.disabledReadings[${i}]`, `repeats "${reading}"`);
    }
    seen.add(reading);
  }
  return create(AgentSettingsSchema, {
    sampleIntervalMs: interval,
    disabledReadings: [...settings.disabledReadings],
  });
}

/**
 * resolveHostChanges validates an UpdateHost request: the host id; a name of 0–100 printable
 * characters (spaces around it dropped; empty shows the hostname again); labels as a host may
 * carry them (at most 20, LABEL_KEY keys, values of 0–100 printable characters), not together
 * with resetLabels; agent settings as resolveAgentSettings. Fields not given are absent from
 * the answer, so they stay as they are.
 */
export function resolveHostChanges(req: UpdateHostRequest): { id: string; changes: HostChanges } {
  const id = requireHostId("id", req.id);
  const changes: HostChanges = {};
  if (req.name !== undefined) {
    const name = req.name.trim();
    if (name.length > MAX_HOST_NAME || CONTROL.test(name)) {
      throw new InvalidArgumentError("name", `must be 0–${MAX_HOST_NAME} printable characters`);
    }
    changes.name = name;
  }
  if (req.resetLabels && req.labels) {
    throw new InvalidArgumentError("resetLabels", "cannot be set together with labels");
  }
  if (req.resetLabels) changes.labels = null;
  if (req.labels) {
    const problem = labelSetProblem(req.labels.labels);
    if (problem) {
      const [key, words] = problem;
      const field = key === "" ? "labels.labels" : `labels.labels[${JSON.stringify(key)}]`;
      throw new InvalidArgumentError(field, words);
    }
    changes.labels = { ...req.labels.labels };
  }
  if (req.agentSettings) {
    changes.agentSettings = resolveAgentSettings(req.agentSettings, "agentSettings");
  }
  return { id, changes };
}
