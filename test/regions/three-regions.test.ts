import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Monitor,
  MonitorService,
  MonitorStatus,
  RegionRule,
} from "../../gen/pulsar/v1/monitor_pb.js";
import { bearer, createTestOrg } from "../support/accounts.js";
import { insertChannelFixture } from "../support/alert-fixtures.js";
import { type ApiProcess, startApiProcess } from "../support/api-process.js";
import { eventually } from "../support/eventually.js";
import { type FakeDiscord, startFakeDiscord } from "../support/fake-discord.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { uniquePrefix } from "../support/redis.js";
import { startWorkerProcess, type WorkerProcess } from "../support/worker-process.js";

// Three regions on one Redis: a real cmd/api and one real cmd/worker per region (REGION=a, b,
// c), checking a local target that fails only for the regions the test names, as it tells
// them apart by the User-Agent every check sends (Pulsar/<version> (+region <name>)).

const INTERVAL_SECONDS = 10;

let db: TestDatabase;
let api: ApiProcess;
let discord: FakeDiscord;
let target: Server;
let targetUrl: string;
const workers: WorkerProcess[] = [];
const failing = new Set<string>();
let client: ReturnType<typeof createClient<typeof MonitorService>>;
let channelId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const prefix = uniquePrefix("regions");
  discord = await startFakeDiscord();
  target = createServer((req, res) => {
    const region = /\(\+region ([a-z0-9-]+)\)/.exec(req.headers["user-agent"] ?? "")?.[1];
    res.writeHead(region !== undefined && failing.has(region) ? 503 : 200);
    res.end(region ?? "no region");
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
  const env = { DEFAULT_REGION: "a" };
  api = await startApiProcess({ databaseUrl: db.url, prefix, env });
  for (const region of ["a", "b", "c"]) {
    workers.push(
      startWorkerProcess(
        { databaseUrl: db.url, prefix },
        { ...env, REGION: region, LOG_LEVEL: "error" },
      ),
    );
  }
  const org = await createTestOrg(db.pool);
  channelId = await insertChannelFixture(db.pool, org.orgId, {
    kind: "discord",
    url: discord.webhookUrl(),
  });
  client = createClient(
    MonitorService,
    createConnectTransport({
      baseUrl: api.baseUrl,
      httpVersion: "1.1",
      interceptors: [bearer(org.apiToken)],
    }),
  );
});

afterAll(async () => {
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
  await api?.stop();
  await new Promise((resolve) => target?.close(resolve));
  await discord?.close();
  await db?.drop();
});

describe("a monitor checked from three regions, decided by majority", () => {
  it("stays UP while one region fails, goes DOWN with one alert naming both when two fail", async () => {
    // A monitor may list only regions whose workers have been seen: wait for the three.
    let monitor: Monitor | undefined;
    await eventually(
      async () => {
        try {
          ({ monitor } = await client.createMonitor({
            monitor: {
              name: "three regions",
              url: targetUrl,
              intervalSeconds: INTERVAL_SECONDS,
              timeoutMs: 2_000,
              confirmations: 1,
              regions: ["a", "b", "c"],
              regionRule: RegionRule.MAJORITY,
              alertChannelIds: [channelId],
            },
          }));
          return true;
        } catch (error) {
          if (String(error).includes("no worker or probe serves")) return false;
          throw error;
        }
      },
      { what: "the regions' workers to be known", timeoutMs: 30_000, intervalMs: 250 },
    );
    const id = monitor?.id ?? "";
    expect(monitor?.regions).toEqual(["a", "b", "c"]);

    // Every region checks it.
    await eventually(
      async () => {
        const { monitor } = await client.getMonitor({ id });
        return (monitor?.regionResults ?? []).every((r) => r.result?.up === true);
      },
      { what: "each region's first check", timeoutMs: 30_000, intervalMs: 250 },
    );

    // Region a fails: the monitor stays UP, and its page shows a failing.
    failing.add("a");
    await eventually(
      async () => {
        const { monitor } = await client.getMonitor({ id });
        const a = monitor?.regionResults.find((r) => r.region === "a");
        return a?.result?.up === false && a.result.statusCode === 503;
      },
      { what: "region a's failing check", timeoutMs: 30_000, intervalMs: 250 },
    );
    const oneDown = (await client.getMonitor({ id })).monitor;
    expect(oneDown?.status).toBe(MonitorStatus.UP);
    expect(oneDown?.regionResults.map((r) => [r.region, r.result?.up, r.silent])).toEqual([
      ["a", false, false],
      ["b", true, false],
      ["c", true, false],
    ]);
    expect(discord.posts()).toEqual([]);

    // Regions a and b fail: DOWN, one alert naming both.
    failing.add("b");
    await eventually(
      async () => (await client.getMonitor({ id })).monitor?.status === MonitorStatus.DOWN,
      { what: "the monitor to go DOWN", timeoutMs: 30_000, intervalMs: 250 },
    );
    const [alert] = await discord.waitForPosts(1, { timeoutMs: 30_000 });
    const text = JSON.stringify(alert?.json);
    expect(text).toContain("a:");
    expect(text).toContain("b:");
    expect(text).not.toContain("c:");
    // Every region checks it once more: still one alert, from whichever process decided.
    await new Promise((resolve) => setTimeout(resolve, (INTERVAL_SECONDS + 2) * 1000));
    expect(discord.posts()).toHaveLength(1);
  }, 120_000);
});
