import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { PushSamplesResponseSchema } from "../../gen/pulsar/v1/ingest_pb.js";
import type { Logger } from "../core/logger.js";
import type { SamplerSettings } from "../hosts/reading/sampler.js";
import { createPushAnswerHandler } from "./push-answer.js";

function setup() {
  const configured: SamplerSettings[] = [];
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => {
    lines.push({ level, message });
  };
  const log: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
  const handle = createPushAnswerHandler({
    hostId: "web-1",
    sampler: { configure: (settings) => configured.push(settings) },
    ownIntervalMs: 2000,
    log,
  });
  return { handle, configured, lines };
}

const answer = (fields: Parameters<typeof create<typeof PushSamplesResponseSchema>>[1] = {}) =>
  create(PushSamplesResponseSchema, { accepted: 1, ...fields });

describe("createPushAnswerHandler", () => {
  it("applies the dashboard's settings once when they change, and the agent's own when they go", () => {
    const { handle, configured, lines } = setup();
    handle(answer());
    expect(configured).toEqual([]);
    const settings = { sampleIntervalMs: 5000, disabledReadings: ["processes", "disks"] };
    handle(answer({ agentSettings: settings }));
    handle(answer({ agentSettings: { ...settings, disabledReadings: ["disks", "processes"] } }));
    expect(configured).toEqual([{ intervalMs: 5000, disabledReadings: ["disks", "processes"] }]);
    // Only the readings: the interval is the agent's own again.
    handle(answer({ agentSettings: { disabledReadings: ["disks"] } }));
    handle(answer());
    expect(configured.slice(1)).toEqual([
      { intervalMs: 2000, disabledReadings: ["disks"] },
      { intervalMs: 2000, disabledReadings: [] },
    ]);
    expect(lines.map((l) => `${l.level}: ${l.message}`)).toEqual([
      "info: applying the agent settings set in the dashboard",
      "info: applying the agent settings set in the dashboard",
      "info: the dashboard's agent settings were removed: back to this agent's own",
    ]);
  });

  it("logs its host's first registration at info, and one after that at warn", () => {
    const { handle, lines } = setup();
    handle(answer({ createdHostIds: ["web-1"] }));
    handle(answer());
    handle(answer({ createdHostIds: ["other-host"] }));
    handle(answer({ createdHostIds: ["web-1"] }));
    expect(lines).toEqual([
      { level: "info", message: "host web-1 registered" },
      {
        level: "warn",
        message: "host web-1 was registered again (it had been deleted in the dashboard)",
      },
    ]);
  });
});
