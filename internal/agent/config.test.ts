import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/parse-environment.js";
import { AGENT_CONFIG_VARIABLES, loadAgentConfig } from "./config.js";

const required = {
  PULSAR_URL: "https://pulsar.example.com",
  PULSAR_AGENT_TOKEN: `pulsar_agent_${"a".repeat(43)}`,
};

describe("AGENT_LABELS", () => {
  it("reads key=value pairs separated by commas; none by default", () => {
    expect(loadAgentConfig(required).AGENT_LABELS).toEqual({});
    expect(
      loadAgentConfig({ ...required, AGENT_LABELS: "env=prod, role = db,rack=" }).AGENT_LABELS,
    ).toEqual({ env: "prod", role: "db", rack: "" });
    expect(AGENT_CONFIG_VARIABLES).toContain("AGENT_LABELS");
  });

  it.each([
    ["env=prod,db", 'item 2 "db" is not key=value'],
    ["Env=prod", 'item 1: key "Env" must be 1–63 lowercase letters'],
    [`env=${"x".repeat(101)}`, 'value of "env" must be at most 100 characters'],
    [Array.from({ length: 21 }, (_, i) => `k${i}=v`).join(","), "at most 20 labels"],
  ])("stops the agent on %j with a line naming the variable", (labels, problem) => {
    const attempt = () => loadAgentConfig({ ...required, AGENT_LABELS: labels });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/AGENT_LABELS: must be key=value pairs separated by commas: /);
    expect(attempt).toThrow(problem);
  });
});
