import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { type BundleProcess, runBundle } from "../../test/support/bundle-process.js";
import { eventually } from "../../test/support/eventually.js";
import { type IngestApi, startIngestApi } from "../../test/support/ingest-api.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
let dir: string;
let bundle: string;
let db: TestDatabase;
let api: IngestApi;
let org: TestOrg;

beforeAll(async () => {
  // The real build (npm run build:agent), then the file alone in a directory of its own: no
  // node_modules anywhere above it, no repository.
  await promisify(execFile)(process.execPath, ["scripts/build-bundle.mjs", "agent"], { cwd: root });
  dir = await mkdtemp(join(tmpdir(), "pulsar-agent-bundle-"));
  bundle = join(dir, "pulsar-agent.mjs");
  await copyFile(join(root, "dist/agent/pulsar-agent.mjs"), bundle);
  db = await createTestDatabase();
  api = await startIngestApi(db);
  org = await createTestOrg(db.pool);
}, 60_000);

afterAll(async () => {
  await api.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

/** run starts `node pulsar-agent.mjs` in the temp dir with only these variables (and PATH). */
const run = (env: Record<string, string>) => runBundle(bundle, dir, env);

async function stop(agent: BundleProcess): Promise<number | null> {
  agent.child.kill("SIGTERM");
  const timeout = setTimeout(() => agent.child.kill("SIGKILL"), 15_000);
  try {
    return await agent.exited;
  } finally {
    clearTimeout(timeout);
  }
}

async function stored(hostId: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM host_samples WHERE host_id = $1",
    [hostId],
  );
  return rows[0]?.n ?? 0;
}

describe("the single-file agent (npm run build:agent)", () => {
  it("says which variables are missing and exits 1", async () => {
    const agent = run({});
    expect(await agent.exited).toBe(1);
    expect(agent.log()).toContain("PULSAR_URL: is required");
    expect(agent.log()).toContain("PULSAR_AGENT_TOKEN: is required");
  });

  it("runs with plain node outside the repository, pushes samples, and exits 0 on SIGTERM", async () => {
    const agent = run({
      PULSAR_URL: api.baseUrl,
      PULSAR_AGENT_TOKEN: await org.token("agent"),
      SAMPLE_INTERVAL_MS: "500",
      AGENT_HOST_ID: "bundled-agent",
    });
    try {
      await eventually(async () => (await stored("bundled-agent")) >= 3, {
        what: "three samples from the bundled agent",
        timeoutMs: 20_000,
      });
      // On a Node with process.execve (22.15+, the image's 24) the agent restarted itself, same
      // pid, in the lean runtime; on an older Node it runs as started.
      const pid = agent.child.pid ?? 0;
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0");
      const environ = (await readFile(`/proc/${pid}/environ`, "utf8")).split("\0");
      const lean = "execve" in process;
      expect(cmdline.includes("--no-opt")).toBe(lean);
      expect(cmdline.includes("--optimize-for-size")).toBe(lean);
      expect(environ.includes("MALLOC_ARENA_MAX=2")).toBe(lean);
    } finally {
      expect(await stop(agent)).toBe(0);
    }
    expect(agent.log()).toContain('"msg":"agent started"');
    const { rows } = await db.pool.query("SELECT org_id FROM hosts WHERE id = 'bundled-agent'");
    expect(rows).toEqual([{ org_id: org.orgId }]);
  }, 40_000);

  it("with an unknown token logs one clear line and does not spin", async () => {
    const before = api.pushes();
    const agent = run({
      PULSAR_URL: api.baseUrl,
      PULSAR_AGENT_TOKEN: `pulsar_agent_${"B".repeat(43)}`,
      SAMPLE_INTERVAL_MS: "500",
      AGENT_HOST_ID: "unknown-token-agent",
    });
    await eventually(() => agent.log().includes("401 unauthenticated"), {
      what: "the agent to log its refusal",
      timeoutMs: 15_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // The first try, and none since (the next is a minute away); SIGTERM's last flush is one more.
    expect(api.pushes() - before).toBe(1);
    expect(await stop(agent)).toBe(0);
    expect(agent.log().match(/"level":"error"/g)).toHaveLength(1);
    expect(await stored("unknown-token-agent")).toBe(0);
  }, 40_000);
});
