import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";

// Every process checks its whole configuration before it opens anything, and a mistake stops
// it at once with one line naming the variable and what it expects (no stack trace).

interface Exit {
  code: number | null;
  stderr: string;
  ms: number;
}

async function run(entry: string, env: Record<string, string>): Promise<Exit> {
  const started = Date.now();
  // Only PATH and what the case sets: nothing of the test's own environment leaks in.
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stderr, ms: Date.now() - started };
}

const database = { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test" };

describe.each([
  ["cmd/api/main.ts", { ...database, PORT: "eighty" }, /PORT: .*number.*\(got "eighty"\)/],
  ["cmd/api/main.ts", {}, /DATABASE_URL is required/],
  ["cmd/worker/main.ts", { ...database, CHECK_CONCURRENCY: "0" }, /CHECK_CONCURRENCY: .*>=1/],
  [
    "cmd/worker/main.ts",
    { ...database, PULSAR_BLOCK_PRIVATE_TARGETS: "yes", METRICS_TOKEN: "short" },
    /PULSAR_BLOCK_PRIVATE_TARGETS: .*"true".*"false"[\s\S]*METRICS_TOKEN: at least 16 characters/,
  ],
  ["cmd/agent/main.ts", { PULSAR_URL: "ftp://example.test" }, /PULSAR_URL: an http/],
  ["cmd/pulsar/main.ts", { REDIS_URL: "not a url" }, /REDIS_URL: /],
] as const)("%s with %j", (entry, env, message) => {
  it("exits 1 at once with one line naming the variable", async () => {
    const exit = await run(entry, env);
    expect(exit.code).toBe(1);
    const lines = exit.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? "");
    expect(line.level).toBe("error");
    expect(line.msg).toMatch(message);
    expect(exit.stderr).not.toContain("    at ");
    // Nothing was waited for: no connection was even attempted.
    expect(exit.ms).toBeLessThan(15_000);
  });
});
