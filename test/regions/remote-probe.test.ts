import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MonitorService, MonitorStatus, RegionRule } from "../../gen/pulsar/v1/monitor_pb.js";
import { ProbeCheckService, ProbeService } from "../../gen/pulsar/v1/probe_pb.js";
import { RegionService } from "../../gen/pulsar/v1/region_pb.js";
import { bearer } from "../support/accounts.js";
import { insertChannelFixture } from "../support/alert-fixtures.js";
import { type ApiProcess, startApiProcess } from "../support/api-process.js";
import { eventually } from "../support/eventually.js";
import { type FakeDiscord, startFakeDiscord } from "../support/fake-discord.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { type ProbeProcess, startProbeProcess } from "../support/probe-process.js";
import { uniquePrefix } from "../support/redis.js";
import { startWorkerProcess, type WorkerProcess } from "../support/worker-process.js";

// Region d is served by remote probes alone, through a real cmd/api with probe tokens, beside
// regions a and b served by real cmd/workers on the shared Redis. The local target tells the
// regions apart by the User-Agent every check sends (Pulsar/<version> (+region <name>)) and
// answers each region as the test says: 200, 503, or not at all (a check in flight).

const INTERVAL_SECONDS = 10;
/** The probes' lease: a dead probe's checks move to another within it and a stalled-job pass. */
const LEASE_MS = 2_000;
/** The monitor's timeout: its lock (timeout + 1 s) is free again before a lease lapses. */
const TIMEOUT_MS = 1_000;

type Answer = "ok" | "fail" | "hang";

let db: TestDatabase;
let prefix: string;
let api: ApiProcess;
let apiEnv: Record<string, string>;
let discord: FakeDiscord;
let target: Server;
let targetUrl: string;
const workers: WorkerProcess[] = [];
const probes: ProbeProcess[] = [];
const answers = new Map<string, Answer>();
/** When each region's checks arrived at the target, in ms since the epoch. */
const arrivals = new Map<string, number[]>();
let session: Interceptor;
let orgId: string;

const clientOf = <T extends Parameters<typeof createClient>[0]>(service: T, auth: Interceptor) =>
  createClient(
    service,
    createConnectTransport({ baseUrl: api.baseUrl, httpVersion: "1.1", interceptors: [auth] }),
  );

/** signUp makes the first organization, the operator's, and returns its session cookie. */
async function signUp(): Promise<{ cookie: string; orgId: string }> {
  const res = await fetch(`${api.baseUrl}/pulsar.v1.AuthService/SignUp`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email: "operator@example.test",
      password: "correct horse battery",
      name: "Operator",
      orgName: "Operator",
    }),
  });
  const body = (await res.json()) as { organization?: { id?: string } };
  const cookie = res.headers.get("set-cookie")?.split(";")[0];
  if (!res.ok || !cookie || !body.organization?.id) {
    throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(body)}`);
  }
  return { cookie, orgId: body.organization.id };
}

const sessionCookie =
  (cookie: string): Interceptor =>
  (next) =>
  (req) => {
    req.header.set("cookie", cookie);
    return next(req);
  };

beforeAll(async () => {
  db = await createTestDatabase();
  prefix = uniquePrefix("probes");
  discord = await startFakeDiscord();
  target = createServer((req, res) => {
    const region = /\(\+region ([a-z0-9-]+)\)/.exec(req.headers["user-agent"] ?? "")?.[1] ?? "";
    arrivals.set(region, [...(arrivals.get(region) ?? []), Date.now()]);
    const answer = answers.get(region) ?? "ok";
    if (answer === "hang") {
      // Answers long after any check's timeout: the check stays in flight until it gives up.
      setTimeout(() => res.destroy(), 30_000).unref();
      return;
    }
    res.writeHead(answer === "fail" ? 503 : 200);
    res.end(region);
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
  apiEnv = { DEFAULT_REGION: "a", PROBE_LEASE_MS: String(LEASE_MS) };
  api = await startApiProcess({ databaseUrl: db.url, prefix, env: apiEnv });
  for (const region of ["a", "b"]) {
    workers.push(
      startWorkerProcess(
        { databaseUrl: db.url, prefix },
        { DEFAULT_REGION: "a", REGION: region, LOG_LEVEL: "error" },
      ),
    );
  }
  const signedUp = await signUp();
  session = sessionCookie(signedUp.cookie);
  orgId = signedUp.orgId;
});

afterAll(async () => {
  for (const child of [...workers, ...probes].map((p) => p.child)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  await api?.stop();
  target?.closeAllConnections();
  await new Promise((resolve) => target?.close(resolve));
  await discord?.close();
  await db?.drop();
});

/** resultsOf reads region d's stored results of a monitor, oldest first. */
async function regionResults(monitorId: string, region: string) {
  const { rows } = await db.pool.query<{ scheduled_at: Date; checked_at: Date; up: boolean }>(
    `SELECT scheduled_at, checked_at, up FROM check_results
     WHERE monitor_id = $1 AND region = $2 ORDER BY checked_at`,
    [monitorId, region],
  );
  return rows;
}

/** nextArrival waits for the target's next check from a region after now. */
async function nextArrival(region: string, what: string): Promise<number> {
  const since = Date.now();
  let at = 0;
  await eventually(
    () => {
      at = (arrivals.get(region) ?? []).find((ms) => ms >= since) ?? 0;
      return at > 0;
    },
    { what, timeoutMs: (INTERVAL_SECONDS + 5) * 1000, intervalMs: 20 },
  );
  return at;
}

describe("remote probes of region d through the API", () => {
  it("vote with the workers' regions, hand a dead probe's checks on, backfill, and stop when revoked", async () => {
    const probeTokens = clientOf(ProbeService, session);
    const first = await probeTokens.createProbeToken({ name: "d one", region: "d" });
    const second = await probeTokens.createProbeToken({ name: "d two", region: "d" });
    expect(first.probeToken?.region).toBe("d");
    expect(first.token).toMatch(/^pulsar_probe_/);
    probes.push(
      startProbeProcess({ baseUrl: api.baseUrl, token: first.token }, { REGION: "d-display" }),
    );

    // A monitor checked from a, b (workers) and d (the probe), decided by majority.
    const channelId = await insertChannelFixture(db.pool, orgId, {
      kind: "discord",
      url: discord.webhookUrl(),
    });
    const monitors = clientOf(MonitorService, session);
    let id = "";
    await eventually(
      async () => {
        try {
          const { monitor } = await monitors.createMonitor({
            monitor: {
              name: "four places",
              url: targetUrl,
              intervalSeconds: INTERVAL_SECONDS,
              timeoutMs: TIMEOUT_MS,
              confirmations: 1,
              regions: ["a", "b", "d"],
              regionRule: RegionRule.MAJORITY,
              alertChannelIds: [channelId],
            },
          });
          id = monitor?.id ?? "";
          return true;
        } catch (error) {
          if (String(error).includes("no worker or probe serves")) return false;
          throw error;
        }
      },
      { what: "the workers' regions to be known", timeoutMs: 30_000, intervalMs: 250 },
    );
    await eventually(
      async () => {
        const { monitor } = await monitors.getMonitor({ id });
        return (monitor?.regionResults ?? []).every((r) => r.result?.up === true);
      },
      { what: "each region's first check, d's by the probe", timeoutMs: 30_000, intervalMs: 250 },
    );
    // The token decided the region, not the probe's REGION.
    expect((await regionResults(id, "d")).length).toBeGreaterThan(0);
    expect(await regionResults(id, "d-display")).toEqual([]);

    // The Regions page: d is live through its probe.
    const { regions } = await clientOf(RegionService, session).listRegions({});
    const d = regions.find((region) => region.name === "d");
    expect(d?.live).toBe(true);
    expect(d?.probes.map((probe) => [probe.name, probe.online])).toEqual([["d one", true]]);

    // d fails alone: still UP, d shown failing; then a fails too: DOWN, one alert naming both.
    answers.set("d", "fail");
    await eventually(
      async () => {
        const { monitor } = await monitors.getMonitor({ id });
        const regionD = monitor?.regionResults.find((r) => r.region === "d");
        return regionD?.result?.up === false && regionD.result.statusCode === 503;
      },
      { what: "region d's failing check", timeoutMs: 30_000, intervalMs: 250 },
    );
    expect((await monitors.getMonitor({ id })).monitor?.status).toBe(MonitorStatus.UP);
    expect(discord.posts()).toEqual([]);
    answers.set("a", "fail");
    const [alert] = await discord.waitForPosts(1, { timeoutMs: 30_000 });
    const text = JSON.stringify(alert?.json);
    expect(text).toContain("a:");
    expect(text).toContain("d:");
    expect(text).not.toContain("b:");
    answers.clear();
    await eventually(
      async () => (await monitors.getMonitor({ id })).monitor?.status === MonitorStatus.UP,
      { what: "the monitor to recover", timeoutMs: 30_000, intervalMs: 250 },
    );

    // Kill the probe in the middle of a check: a second probe of d runs that very check
    // (the same slot) within one interval.
    answers.set("d", "hang");
    const hung = await nextArrival("d", "the first probe's next check of d");
    probes[0]?.child.kill("SIGKILL");
    const killedAt = Date.now();
    probes.push(startProbeProcess({ baseUrl: api.baseUrl, token: second.token }));
    await eventually(
      async () =>
        (await regionResults(id, "d")).some(
          (r) =>
            r.checked_at.getTime() > killedAt &&
            r.scheduled_at.getTime() <= hung &&
            r.scheduled_at.getTime() > hung - INTERVAL_SECONDS * 1000,
        ),
      { what: "the killed probe's check run by the second", timeoutMs: 30_000, intervalMs: 250 },
    );
    const handedOver = (await regionResults(id, "d")).find(
      (r) => r.checked_at.getTime() > killedAt && r.scheduled_at.getTime() <= hung,
    );
    expect((handedOver?.checked_at.getTime() ?? Infinity) - killedAt).toBeLessThan(
      INTERVAL_SECONDS * 1000,
    );

    // The API goes away while the second probe checks: its result waits in the probe's buffer
    // and arrives once the API is back (on the same address).
    const inFlight = await nextArrival("d", "the second probe's next check of d");
    await api.stop();
    const stoppedAt = Date.now();
    // The check times out meanwhile (1 s) and its result cannot be sent.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const missing = (await regionResults(id, "d")).filter(
      (r) => r.checked_at.getTime() >= inFlight - 1000,
    );
    expect(missing).toEqual([]);
    answers.clear();
    api = await startApiProcess({ databaseUrl: db.url, prefix, env: apiEnv, port: api.port });
    await eventually(
      async () =>
        (await regionResults(id, "d")).some(
          (r) =>
            r.checked_at.getTime() < stoppedAt + 3_000 &&
            r.scheduled_at.getTime() <= inFlight &&
            r.scheduled_at.getTime() > inFlight - INTERVAL_SECONDS * 1000,
        ),
      { what: "the buffered result to arrive", timeoutMs: 30_000, intervalMs: 250 },
    );

    // Revoked: refused at once, and the probe stops with one clear line.
    const revoked = probes[1];
    await probeTokens.revokeProbeToken({ id: second.probeToken?.id ?? "" });
    const checks = clientOf(ProbeCheckService, bearer(second.token));
    const refusal = await checks.takeChecks({ maxChecks: 1 }).catch((error: unknown) => error);
    expect(ConnectError.from(refusal).code).toBe(Code.Unauthenticated);
    const code = await Promise.race([
      revoked?.exited,
      new Promise((resolve) => setTimeout(() => resolve("still running"), 30_000)),
    ]);
    expect(code).not.toBe(0);
    expect(code).not.toBe("still running");
    expect(revoked?.stderr()).toMatch(/revoked/);
  }, 240_000);
});
