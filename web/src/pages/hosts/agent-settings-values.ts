import type { MessageInitShape } from "@bufbuild/protobuf";
import type { AgentSettings, AgentSettingsSchema } from "../../../../gen/pulsar/v1/host_pb";

/** READINGS are the readings an agent can be told to leave out (AgentSettings.disabled_readings). */
export const READINGS: readonly { value: string; label: string }[] = [
  { value: "processes", label: "Processes" },
  { value: "disks", label: "Disk usage" },
  { value: "disk_io", label: "Disk I/O" },
  { value: "network", label: "Network" },
  { value: "file_handles", label: "File handles" },
];

/** AgentSettingsValues are the settings form's fields as typed. */
export interface AgentSettingsValues {
  /** Seconds; blank: the agent's own interval. */
  intervalSeconds: string;
  /** The readings collected (checked). */
  collected: string[];
}

/** agentSettingsValues are a host's settings as the form shows them. */
export function agentSettingsValues(settings: AgentSettings | undefined): AgentSettingsValues {
  const ms = settings?.sampleIntervalMs ?? 0;
  const disabled = settings?.disabledReadings ?? [];
  return {
    intervalSeconds: ms > 0 ? String(ms / 1000) : "",
    collected: READINGS.map((r) => r.value).filter((r) => !disabled.includes(r)),
  };
}

/**
 * agentSettingsOf turns the form into the AgentSettings to send, or what is wrong with the
 * interval (0.5–60 s, as the server's 500–60000 ms).
 */
export function agentSettingsOf(
  values: AgentSettingsValues,
): { settings: MessageInitShape<typeof AgentSettingsSchema> } | { error: string } {
  const text = values.intervalSeconds.trim();
  const seconds = text === "" ? 0 : Number(text);
  if (text !== "" && !(Number.isFinite(seconds) && seconds >= 0.5 && seconds <= 60)) {
    return { error: "Enter 0.5 to 60 seconds, or leave it blank for the agent's own" };
  }
  return {
    settings: {
      sampleIntervalMs: Math.round(seconds * 1000),
      disabledReadings: READINGS.map((r) => r.value).filter((r) => !values.collected.includes(r)),
    },
  };
}
