import { randomBytes } from "node:crypto";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostService } from "../../gen/pulsar/v1/host_pb.js";
import { IngestService } from "../../gen/pulsar/v1/ingest_pb.js";
import { bearer, createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { eventually } from "../../test/support/eventually.js";
import { type IngestApi, startIngestApi } from "../../test/support/ingest-api.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { bearerHeaders, connectClient } from "../../test/support/stream-clients.js";
import { revokeApiToken } from "../accounts/accounts.js";
import type { Logger } from "../core/logger.js";
import { createSampler } from "../hosts/reading/sampler.js";
import { type Agent, createAgent } from "./agent.js";

const INTERVAL_MS = 500;
/** The outage: the API down for a full minute while the agent keeps sampling. */
const OUTAGE_MS = 60_000;

let db: TestDatabase;
let api: IngestApi;
let org: TestOrg;
const agents: Agent[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startIngestApi(db);
  org = await createTestOrg(db.pool);
});

afterAll(async () => {
  for (const agent of agents) await agent.stop(100);
  await api.close();
  await db.drop();
});

/** LogLine is what an agent logged, for the tests that read its log. */
interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

function recordingLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return {
    lines,
    log: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") },
  };
}

/** startAgent runs an agent in this process: the real sampler, at INTERVAL_MS, as cmd/agent. */
async function startAgent(token: string, hostId: string, log: Logger): Promise<Agent> {
  const transport = createConnectTransport({
    baseUrl: api.baseUrl,
    httpVersion: "1.1",
    useBinaryFormat: true,
    interceptors: [bearer(token)],
  });
  const agent = createAgent({
    config: {
      PULSAR_URL: api.baseUrl,
      SAMPLE_INTERVAL_MS: INTERVAL_MS,
      AGENT_HOST_ID: hostId,
      AGENT_LABELS: {},
      AGENT_BUFFER_SECONDS: 3600,
    },
    client: createClient(IngestService, transport),
    createSampler,
    version: "1.2.3-test",
    log,
    // Retries come back within 2 s of the API's return, so the test need not wait out 30 s.
    retry: { baseMs: 250, maxMs: 2000 },
  });
  agents.push(agent);
  await agent.start();
  return agent;
}

const uniqueHost = (label: string) => `agent-${label}-${randomBytes(3).toString("hex")}`;

async function sampledAts(hostId: string): Promise<number[]> {
  const { rows } = await db.pool.query<{ ms: number }>(
    `SELECT (extract(epoch FROM sampled_at) * 1000)::float8 AS ms FROM host_samples
     WHERE host_id = $1 ORDER BY sampled_at`,
    [hostId],
  );
  return rows.map((r) => r.ms);
}

describe("the agent", () => {
  it("sends its host's samples through the API to the organization's live stream", async () => {
    const hostId = uniqueHost("live");
    const watcher = await connectClient(api.wsUrl, bearerHeaders(org.apiToken));
    watcher.send({ subscribe: [`host:${hostId}`] });
    const agent = await startAgent(await org.token("agent"), hostId, recordingLog().log);
    const frames = await watcher.waitFor(
      (f) => f.filter((x) => x.hostSample?.hostId === hostId).length >= 3,
      10_000,
    );
    expect(frames.find((f) => f.hostSample)?.topic).toBe(`host:${hostId}`);
    await agent.stop(2000);
    watcher.socket.close();
    const stored = await sampledAts(hostId);
    expect(stored.length).toBeGreaterThanOrEqual(3);
    const { rows } = await db.pool.query("SELECT org_id FROM hosts WHERE id = $1", [hostId]);
    expect(rows).toEqual([{ org_id: org.orgId }]);
  });

  it(
    "leaves no gap in the host's history when the API is down for a minute",
    async () => {
      const hostId = uniqueHost("outage");
      const { log, lines } = recordingLog();
      const agent = await startAgent(await org.token("agent"), hostId, log);
      await eventually(async () => (await sampledAts(hostId)).length >= 4, {
        what: "four stored samples",
        timeoutMs: 10_000,
      });

      const down = Date.now();
      await api.stop();
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      await api.start();
      const up = Date.now();
      // The backlog is sent within a retry (≤ 2 s) of the API's return, then samples flow.
      await eventually(async () => ((await sampledAts(hostId)).at(-1) ?? 0) > up + 1000, {
        what: "samples taken after the API returned",
        timeoutMs: 15_000,
      });
      await agent.stop(2000);

      const times = await sampledAts(hostId);
      const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
      const during = times.filter((t) => t > down && t < up);
      // About one sample per interval while the API was down, all stored after it returned.
      expect(during.length).toBeGreaterThanOrEqual(Math.floor((OUTAGE_MS / INTERVAL_MS) * 0.9));
      // Consecutive samples are one interval apart (plus the sample's own few ms, and some
      // slack for a busy machine): no gap anywhere.
      expect(Math.max(...gaps)).toBeLessThan(2 * INTERVAL_MS);
      expect(gaps.reduce((a, b) => a + b, 0) / gaps.length).toBeLessThan(INTERVAL_MS * 1.2);
      // One line when the API went away, one when it came back; nothing dropped.
      expect(lines.filter((l) => l.message.startsWith("cannot reach the API"))).toHaveLength(1);
      const back = lines.find((l) => l.message.startsWith("the API accepts samples again"));
      expect(back?.fields?.droppedMeanwhile).toBe(0);
    },
    OUTAGE_MS + 60_000,
  );

  it("stops sending once its token is revoked, after one clear line in its log", async () => {
    const hostId = uniqueHost("revoked");
    const token = await org.token("agent");
    const { log, lines } = recordingLog();
    const agent = await startAgent(token, hostId, log);
    await eventually(async () => (await sampledAts(hostId)).length >= 2, {
      what: "two stored samples",
      timeoutMs: 10_000,
    });

    const hosts = createClient(
      HostService,
      createConnectTransport({
        baseUrl: api.baseUrl,
        httpVersion: "1.1",
        interceptors: [bearer(org.apiToken)],
      }),
    );
    const listed = await hosts.listAgentTokens({});
    const id = listed.apiTokens.find((t) => token.startsWith(t.prefix.replace("…", "")))?.id;
    // As an admin would from the dashboard (an API token may not revoke tokens).
    await revokeApiToken(db.pool, org.orgId, id ?? "", ["agent"]);
    await eventually(() => lines.some((l) => l.level === "error"), {
      what: "the agent to log the refused token",
      timeoutMs: 5000,
    });
    const pushesAtRefusal = api.pushes();
    // Ten intervals later it still has not tried again (the next try is a minute away).
    await new Promise((resolve) => setTimeout(resolve, 10 * INTERVAL_MS));
    expect(api.pushes()).toBe(pushesAtRefusal);
    const errors = lines.filter((l) => l.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/refused PULSAR_AGENT_TOKEN \(401 unauthenticated\)/);
    // Samples are kept meanwhile (a new token and a restart would send them), not dropped.
    expect(await agent.stop(200)).toBeGreaterThanOrEqual(5);
  });
});
