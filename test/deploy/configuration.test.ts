import { describe, expect, it } from "vitest";
import { AGENT_CONFIG_VARIABLES } from "../../internal/agent/config.js";
import { CONFIG_VARIABLES } from "../../internal/config/config.js";
import { PROBE_CONFIG_VARIABLES } from "../../internal/probe/config.js";
import { readText } from "./files.js";

// Every variable a process reads is documented where people look: the README's table, and
// .env.example for docker compose.

/** tableVariables are the names in the first column of README's "## Configuration" table. */
function tableVariables(): string[] {
  const readme = readText("README.md");
  const start = readme.indexOf("\n## Configuration\n");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((match) => match[1] ?? "");
}

const variables = [
  ...new Set([...CONFIG_VARIABLES, ...AGENT_CONFIG_VARIABLES, ...PROBE_CONFIG_VARIABLES]),
];

describe("configuration documentation", () => {
  it("reads the variables from the processes' own schemas", () => {
    expect(CONFIG_VARIABLES).toContain("DATABASE_URL");
    expect(CONFIG_VARIABLES).toContain("METRICS_PORT");
    expect(AGENT_CONFIG_VARIABLES).toContain("PULSAR_AGENT_TOKEN");
    expect(PROBE_CONFIG_VARIABLES).toContain("PULSAR_PROBE_TOKEN");
  });

  it("lists every variable in README's Configuration table, once", () => {
    const table = tableVariables();
    for (const name of variables) expect(table, name).toContain(name);
    expect(table.length).toBe(new Set(table).size);
  });

  it("lists every variable in .env.example", () => {
    const example = readText(".env.example");
    for (const name of variables) expect(example, name).toMatch(new RegExp(`^(# )?${name}=`, "m"));
  });
});
