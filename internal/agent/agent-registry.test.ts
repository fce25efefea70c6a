import { randomBytes } from "node:crypto";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostService } from "../../gen/pulsar/v1/host_pb.js";
import { IngestService, type PushSamplesResponse } from "../../gen/pulsar/v1/ingest_pb.js";
import { bearer, createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { eventually } from "../../test/support/eventually.js";
import { type IngestApi, startIngestApi } from "../../test/support/ingest-api.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import type { Logger } from "../core/logger.js";
import { createSampler } from "../hosts/reading/sampler.js";
import { type Agent, createAgent } from "./agent.js";

// The hosts registry as an agent sees it: real agents (the real sampler, the real sender)
// pushing to the real API in this process, and the dashboard's calls (HostService) made with an
// API token over HTTP.

const INTERVAL_MS = 500;
const VERSION = "9.8.7-test";

let db: TestDatabase;
let api: IngestApi;
let org: TestOrg;
let hosts: ReturnType<typeof createClient<typeof HostService>>;
const agents: Agent[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startIngestApi(db);
  org = await createTestOrg(db.pool);
  hosts = createClient(
    HostService,
    createConnectTransport({
      baseUrl: api.baseUrl,
      httpVersion: "1.1",
      interceptors: [bearer(org.apiToken)],
    }),
  );
});

afterAll(async () => {
  for (const agent of agents) await agent.stop(100);
  await api.close();
  await db.drop();
});

interface LogLine {
  level: string;
  message: string;
  at: number;
}

/** RunningAgent is an agent started by the test, with its log and the API's answers to it. */
interface RunningAgent {
  agent: Agent;
  lines: LogLine[];
  answers: PushSamplesResponse[];
}

async function startAgent(hostId: string, labels: Record<string, string>): Promise<RunningAgent> {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string) => {
    lines.push({ level, message, at: Date.now() });
  };
  const log: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
  const real = createClient(
    IngestService,
    createConnectTransport({
      baseUrl: api.baseUrl,
      httpVersion: "1.1",
      useBinaryFormat: true,
      interceptors: [bearer(await org.token("agent"))],
    }),
  );
  const answers: PushSamplesResponse[] = [];
  const agent = createAgent({
    config: {
      PULSAR_URL: api.baseUrl,
      SAMPLE_INTERVAL_MS: INTERVAL_MS,
      AGENT_HOST_ID: hostId,
      AGENT_LABELS: labels,
      AGENT_BUFFER_SECONDS: 3600,
    },
    // The real client, with each answer kept for the test to read.
    client: {
      async pushSamples(request, options) {
        const answer = await real.pushSamples(request, options);
        answers.push(answer);
        return answer;
      },
    },
    createSampler,
    version: VERSION,
    log,
    retry: { baseMs: 250, maxMs: 2000 },
  });
  agents.push(agent);
  await agent.start();
  return { agent, lines, answers };
}

const uniqueHost = (label: string) => `registry-${label}-${randomBytes(3).toString("hex")}`;

async function sampledAts(hostId: string, after = 0): Promise<number[]> {
  const { rows } = await db.pool.query<{ ms: number }>(
    `SELECT (extract(epoch FROM sampled_at) * 1000)::float8 AS ms FROM host_samples
     WHERE host_id = $1 AND sampled_at > to_timestamp($2 / 1000.0) ORDER BY sampled_at`,
    [hostId, after],
  );
  return rows.map((r) => r.ms);
}

const listed = async (selector: string) =>
  (await hosts.listHosts({ labelSelector: selector })).hosts;

describe("an agent in the hosts registry", () => {
  it("appears in ListHosts with its AGENT_LABELS, address and version, and selectors find it or not", async () => {
    const hostId = uniqueHost("labels");
    const { agent, answers } = await startAgent(hostId, { env: "prod", role: "db" });
    await eventually(async () => (await listed("env=prod")).some((h) => h.id === hostId), {
      what: "the agent's host listed with env=prod",
      timeoutMs: 10_000,
    });
    const host = (await listed("env=prod,role=db")).find((h) => h.id === hostId);
    expect(host).toMatchObject({
      labels: { env: "prod", role: "db" },
      agentLabels: { env: "prod", role: "db" },
      labelsEdited: false,
      agentVersion: VERSION,
      online: true,
    });
    // The address of the default route's interface (this machine has one).
    expect(host?.ipAddress).toMatch(/^(\d{1,3}\.){3}\d{1,3}$|:/);
    expect(host?.kernel).not.toBe("");
    expect((await listed("env=staging")).map((h) => h.id)).not.toContain(hostId);
    expect((await listed("role!=db")).map((h) => h.id)).not.toContain(hostId);
    expect((await listed("role")).map((h) => h.id)).toContain(hostId);
    // Its first push registered it (listed as soon as it was claimed, before the answer).
    await eventually(() => answers.length > 0, { what: "the first answer", timeoutMs: 5000 });
    expect(answers[0]?.createdHostIds).toEqual([hostId]);
    expect(answers.slice(1).every((a) => a.createdHostIds.length === 0)).toBe(true);
    await agent.stop(1000);
  });

  it("is deleted with its history by DeleteHost, and its next push registers it again", async () => {
    const hostId = uniqueHost("deleted");
    const { agent, lines, answers } = await startAgent(hostId, { env: "prod" });
    await eventually(async () => (await sampledAts(hostId)).length >= 3, {
      what: "three stored samples",
      timeoutMs: 10_000,
    });
    const before = (await listed("")).find((h) => h.id === hostId);
    // Every sample stored so far; samples not stored yet are newer (they go out in order).
    const storedUntil = (await sampledAts(hostId)).at(-1) ?? 0;

    await hosts.deleteHost({ id: hostId });
    const deletedAt = Date.now();
    expect(await sampledAts(hostId)).not.toContain(storedUntil);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM host_samples WHERE host_id = $1 AND sampled_at <= to_timestamp($2 / 1000.0)",
      [hostId, storedUntil],
    );
    expect(rows).toEqual([{ n: 0 }]);
    // The history up to the deletion is gone: not_found, or (once the agent's next push has
    // recorded the host again) no points in that window.
    try {
      const history = await hosts.getHostHistory({
        hostId,
        since: timestampFromMs(storedUntil - 60_000),
        until: timestampFromMs(storedUntil + 1),
      });
      expect(history.series.every((s) => s.points.length === 0)).toBe(true);
    } catch (error) {
      expect(ConnectError.from(error).code).toBe(Code.NotFound);
    }

    // The agent keeps pushing: the host comes back, as new, and the agent says so.
    await eventually(() => lines.some((l) => l.message.includes("was registered again")), {
      what: "the agent to log that its host was registered again",
      timeoutMs: 10_000,
    });
    const again = lines.filter((l) => l.level === "warn" && l.message.startsWith("host "));
    expect(again.map((l) => l.message)).toEqual([
      `host ${hostId} was registered again (it had been deleted in the dashboard)`,
    ]);
    expect(answers.filter((a) => a.createdHostIds.includes(hostId))).toHaveLength(2);
    const after = (await listed("env=prod")).find((h) => h.id === hostId);
    expect(Number(after?.firstSeen?.seconds)).toBeGreaterThan(Number(before?.firstSeen?.seconds));
    expect(Math.min(...(await sampledAts(hostId)))).toBeGreaterThan(storedUntil);
    expect(deletedAt).toBeGreaterThan(storedUntil);
    await agent.stop(1000);
  });

  it("takes the sample interval set by UpdateHost from its next push's answer, and samples at it", async () => {
    const hostId = uniqueHost("interval");
    const { agent, lines, answers } = await startAgent(hostId, {});
    await eventually(async () => (await sampledAts(hostId)).length >= 2, {
      what: "two stored samples",
      timeoutMs: 10_000,
    });

    const updated = await hosts.updateHost({
      id: hostId,
      agentSettings: { sampleIntervalMs: 1500, disabledReadings: ["processes"] },
    });
    expect(updated.host?.agentSettings?.sampleIntervalMs).toBe(1500);
    await eventually(() => lines.some((l) => l.message.startsWith("applying the agent settings")), {
      what: "the agent to apply the dashboard's settings",
      timeoutMs: 5000,
    });
    expect(answers.at(-1)?.agentSettings?.sampleIntervalMs).toBe(1500);
    const applied = lines.find((l) => l.message.startsWith("applying the agent settings"))?.at ?? 0;
    // Samples taken after the change are 1.5 s apart (plus the sample's own few ms).
    await eventually(async () => (await sampledAts(hostId, applied)).length >= 5, {
      what: "five samples at the new interval",
      timeoutMs: 15_000,
    });
    const times = await sampledAts(hostId, applied);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1400);
    expect(Math.max(...gaps)).toBeLessThan(2500);

    // An empty settings message: back to the agent's own interval.
    await hosts.updateHost({ id: hostId, agentSettings: {} });
    await eventually(() => lines.some((l) => l.message.includes("back to this agent's own")), {
      what: "the agent to return to its own settings",
      timeoutMs: 5000,
    });
    const back = lines.find((l) => l.message.includes("back to this agent's own"))?.at ?? 0;
    await eventually(async () => (await sampledAts(hostId, back)).length >= 4, {
      what: "four samples at the agent's own interval",
      timeoutMs: 10_000,
    });
    const own = await sampledAts(hostId, back);
    const ownGaps = own.slice(1).map((t, i) => t - (own[i] ?? t));
    expect(Math.max(...ownGaps)).toBeLessThan(2 * INTERVAL_MS);
    await agent.stop(1000);
  });
});
