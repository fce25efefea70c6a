import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiProcess, startApiProcess } from "../support/api-process.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { uniquePrefix } from "../support/redis.js";

// An installation open to strangers that still lets checks reach its own network is allowed,
// but said once, loudly, when the process starts; the safe default says nothing.

let db: TestDatabase;
const started: ApiProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all(started.map((api) => api.stop()));
  await db.drop();
});

async function startWith(env: Record<string, string>): Promise<ApiProcess> {
  const api = await startApiProcess({
    databaseUrl: db.url,
    prefix: uniquePrefix("warnings"),
    env: { LOG_LEVEL: "warn", ...env },
  });
  started.push(api);
  return api;
}

const warnings = (api: ApiProcess) =>
  api
    .stderr()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { level: string | number; msg: string })
    .filter((entry) => entry.level === "warn" || entry.level === 40)
    .map((entry) => entry.msg);

describe("cmd/api at start", () => {
  it("warns once when open sign-up is combined with PULSAR_BLOCK_PRIVATE_TARGETS=false", async () => {
    const api = await startWith({ PULSAR_SIGNUP: "open", PULSAR_BLOCK_PRIVATE_TARGETS: "false" });
    expect(warnings(api)).toEqual([
      expect.stringMatching(
        /^PULSAR_BLOCK_PRIVATE_TARGETS=false with PULSAR_SIGNUP=open: anyone who signs up can make this installation probe its own network/,
      ),
    ]);
  });

  it("says nothing with open sign-up and the default, which blocks private targets", async () => {
    const api = await startWith({ PULSAR_SIGNUP: "open" });
    expect(warnings(api)).toEqual([]);
  });
});
