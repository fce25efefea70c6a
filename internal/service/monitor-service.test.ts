import { randomUUID } from "node:crypto";
import { type Client, Code } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MonitorService, MonitorStatus } from "../../gen/pulsar/v1/monitor_pb.js";
import { createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { resultFixture } from "../../test/support/fixtures.js";
import type { TestDatabase } from "../../test/support/postgres.js";
import { refusal as connectCode } from "../../test/support/refusal.js";
import { serviceClient, startTestApi, type TestApi } from "../../test/support/test-api.js";
import type { CheckQueue } from "../checks/queue/check-queue.js";
import { storeCheckResults } from "../checks/results/store-check-results.js";

// MonitorService through the real API over HTTP: what it stores, schedules and answers, and
// that one organization sees nothing of another's monitors. The HTTP server's own behaviour
// (gates, health) is tested in internal/api/api.test.ts.

let api: TestApi;
let db: TestDatabase;
let queue: CheckQueue;
let client: Client<typeof MonitorService>;
/** Another organization's client: it must see nothing of `client`'s organization. */
let other: Client<typeof MonitorService>;
let org: TestOrg;

beforeAll(async () => {
  api = await startTestApi("monitor-service");
  ({ db, queue } = api);
  org = await createTestOrg(db.pool, "Acme");
  const otherOrg = await createTestOrg(db.pool, "Other");
  client = serviceClient(MonitorService, api.baseUrl, org.apiToken);
  other = serviceClient(MonitorService, api.baseUrl, otherOrg.apiToken);
});

afterAll(async () => {
  await api?.close();
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors, check_results, check_rollups_hourly CASCADE");
  await queue.obliterate({ force: true });
  await api.schedule.remove(await api.schedule.monitorIds());
});

const postJson = (rpc: string, body: unknown) =>
  fetch(`${api.baseUrl}/pulsar.v1.MonitorService/${rpc}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${org.apiToken}` },
    body: JSON.stringify(body),
  });

describe("MonitorService", () => {
  it("creates, reads, updates, pauses, resumes and deletes a monitor, keeping its scheduler in step", async () => {
    const { monitor } = await client.createMonitor({
      monitor: {
        name: "Home",
        url: "http://127.0.0.1:9/",
        intervalSeconds: 30,
        headers: { "X-A": "1" },
      },
    });
    expect(monitor?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(monitor).toMatchObject({
      name: "Home",
      intervalSeconds: 30,
      timeoutMs: 10_000,
      method: "GET",
      enabled: true,
    });
    expect(monitor?.status).toBe(MonitorStatus.PENDING);
    const id = monitor?.id ?? "";

    const entry = await api.schedule.get(id);
    expect(entry?.intervalMs).toBe(30_000);
    expect(JSON.parse(entry?.job ?? "")).toMatchObject({
      monitorId: id,
      target: { url: "http://127.0.0.1:9/" },
    });

    expect((await client.getMonitor({ id })).monitor?.headers).toEqual({ "X-A": "1" });

    const updated = await client.updateMonitor({
      id,
      monitor: { name: "Home 2", url: "https://example.com/", intervalSeconds: 60 },
    });
    expect(updated.monitor).toMatchObject({
      name: "Home 2",
      url: "https://example.com/",
      headers: {},
    });
    expect((await api.schedule.get(id))?.intervalMs).toBe(60_000);

    const paused = await client.pauseMonitor({ id });
    expect(paused.monitor?.status).toBe(MonitorStatus.PAUSED);
    expect(await api.schedule.get(id)).toBeUndefined();

    const resumed = await client.resumeMonitor({ id });
    expect(resumed.monitor?.enabled).toBe(true);
    expect((await api.schedule.get(id))?.intervalMs).toBe(60_000);

    await client.deleteMonitor({ id });
    expect(await api.schedule.get(id)).toBeUndefined();
    expect(await connectCode(client.getMonitor({ id }))).toEqual([
      Code.NotFound,
      `monitor ${id} not found`,
    ]);
  });

  it("keeps publicBadges off by default, round-trips it, and always returns the monitor's stable publicId without putting either in the check job", async () => {
    const { monitor } = await client.createMonitor({
      monitor: { name: "Badged", url: "http://127.0.0.1:9/" },
    });
    const id = monitor?.id ?? "";
    expect(monitor?.publicBadges).toBe(false);
    const publicId = monitor?.publicId ?? "";
    expect(publicId).toMatch(/^[0-9a-f]{32}$/);
    expect(publicId).not.toBe(id.replaceAll("-", ""));

    const on = await client.updateMonitor({
      id,
      monitor: { name: "Badged", url: "http://127.0.0.1:9/", publicBadges: true },
    });
    expect(on.monitor).toMatchObject({ publicBadges: true, publicId });
    expect((await client.getMonitor({ id })).monitor).toMatchObject({
      publicBadges: true,
      publicId,
    });
    const listed = (await client.listMonitors({})).monitors.find((m) => m.id === id);
    expect(listed).toMatchObject({ publicBadges: true, publicId });
    // The workers need neither: the job carries the check target only.
    const job = (await api.schedule.get(id))?.job ?? "";
    expect(job).not.toMatch(/publicBadges|publicId|public_/);
    expect(job).not.toContain(publicId);

    const off = await client.updateMonitor({
      id,
      monitor: { name: "Badged", url: "http://127.0.0.1:9/" },
    });
    expect(off.monitor).toMatchObject({ publicBadges: false, publicId });
  });

  it("speaks the Connect JSON form that plain curl sends", async () => {
    const res = await postJson("CreateMonitor", {
      monitor: { name: "curl", url: "http://127.0.0.1:9/health" },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      monitor: { id: string; status: string; intervalSeconds: number };
    };
    expect(body.monitor.status).toBe("MONITOR_STATUS_PENDING");
    expect(body.monitor.intervalSeconds).toBe(60);
  });

  it("answers invalid input with invalid_argument naming the field, storing and scheduling nothing", async () => {
    const res = await postJson("CreateMonitor", {
      monitor: { name: "bad", url: "http://example.com", intervalSeconds: 5 },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: "invalid_argument",
      message: "monitor.intervalSeconds must be between 10 and 86400",
    });
    expect((await client.listMonitors({})).monitors).toHaveLength(0);
    expect(await api.schedule.count()).toBe(0);
  });

  it("rejects an update with a bad field without changing the monitor", async () => {
    const { monitor } = await client.createMonitor({
      monitor: { name: "keep", url: "http://127.0.0.1:9/" },
    });
    const id = monitor?.id ?? "";
    expect(
      await connectCode(
        client.updateMonitor({ id, monitor: { name: "changed", url: "gopher://x" } }),
      ),
    ).toEqual([Code.InvalidArgument, "monitor.url must use http or https"]);
    expect((await client.getMonitor({ id })).monitor?.name).toBe("keep");
  });

  it("answers unknown ids with not_found and malformed ones with invalid_argument", async () => {
    const unknown = randomUUID();
    expect((await connectCode(client.getMonitor({ id: unknown })))[0]).toBe(Code.NotFound);
    expect((await connectCode(client.deleteMonitor({ id: unknown })))[0]).toBe(Code.NotFound);
    expect((await connectCode(client.pauseMonitor({ id: unknown })))[0]).toBe(Code.NotFound);
    expect((await connectCode(client.listCheckResults({ monitorId: unknown })))[0]).toBe(
      Code.NotFound,
    );
    expect(await connectCode(client.getMonitor({ id: "42; DROP TABLE monitors" }))).toEqual([
      Code.InvalidArgument,
      "id must be a UUID",
    ]);
    expect(await connectCode(client.getMonitorStats({ monitorId: unknown, window: "2h" }))).toEqual(
      [Code.InvalidArgument, "window must be one of 1h, 24h, 7d, 30d"],
    );
    expect(await connectCode(client.listMonitors({ pageToken: "nonsense" }))).toEqual([
      Code.InvalidArgument,
      "pageToken is not a token returned by this API",
    ]);
    expect((await connectCode(client.listMonitors({ pageSize: 5000 })))[1]).toBe(
      "pageSize must be between 1 and 1000",
    );
  });

  it("pages through monitors in creation order without gaps or repeats", async () => {
    for (let i = 0; i < 5; i++)
      await client.createMonitor({ monitor: { name: `m${i}`, url: "http://127.0.0.1:9/" } });
    const names: string[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const page = await client.listMonitors({ pageSize: 2, pageToken });
      names.push(...page.monitors.map((m) => m.name));
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken !== "");
    expect(names).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(pages).toBe(3);
  });

  it("returns empty results and zero stats for a monitor not checked yet", async () => {
    const { monitor } = await client.createMonitor({
      monitor: { name: "new", url: "http://127.0.0.1:9/" },
    });
    const monitorId = monitor?.id ?? "";
    expect((await client.listCheckResults({ monitorId })).results).toEqual([]);
    const { stats } = await client.getMonitorStats({ monitorId, window: "1h" });
    expect(stats).toMatchObject({ window: "1h", checks: 0n, failures: 0n, uptimeRatio: 0 });
  });
});

describe("MonitorService overview summaries and timing series", () => {
  it("summarises the last 24 hours per monitor from the results the worker stored", async () => {
    const { monitor } = await client.createMonitor({
      monitor: { name: "s", url: "http://127.0.0.1:9/" },
    });
    const monitorId = monitor?.id ?? "";
    const now = Date.now();
    await storeCheckResults(db.pool, [
      resultFixture({ monitorId, checkedAtMs: now - 2 * 3_600_000, totalMs: 100 }),
      resultFixture({ monitorId, checkedAtMs: now - 1000, totalMs: 300 }),
      resultFixture({ monitorId, checkedAtMs: now - 2000, up: false, totalMs: 500 }),
    ]);
    const { summaries } = await client.getMonitorSummaries({
      monitorIds: [monitorId, randomUUID()],
    });
    expect(summaries).toHaveLength(1);
    const [summary] = summaries;
    expect(summary?.monitorId).toBe(monitorId);
    expect(summary?.checks24h).toBe(3);
    expect(summary?.uptimeRatio24h).toBeCloseTo(2 / 3);
    expect(summary?.hourlyAvgTotalMs).toHaveLength(24);
    // The current hour (last) holds the two recent checks; the earlier one sits 2 hours back.
    expect(summary?.hourlyAvgTotalMs.at(-1)).toBe(400);
    expect(summary?.hourlyAvgTotalMs.filter((v) => v > 0)).toHaveLength(2);

    const { points, stepSeconds } = await client.getMonitorTimings({ monitorId, window: "1h" });
    expect(stepSeconds).toBe(60);
    expect(points.reduce((n, p) => n + p.checks, 0)).toBe(2);
    expect(points.reduce((n, p) => n + p.failures, 0)).toBe(1);
  });

  it("validates the ids, their number and the window", async () => {
    expect(await connectCode(client.getMonitorSummaries({ monitorIds: ["nope"] }))).toEqual([
      Code.InvalidArgument,
      "monitorIds[0] must be a UUID",
    ]);
    const many = Array.from({ length: 501 }, () => randomUUID());
    expect(await connectCode(client.getMonitorSummaries({ monitorIds: many }))).toEqual([
      Code.InvalidArgument,
      "monitorIds must hold at most 500 ids",
    ]);
    expect(
      await connectCode(client.getMonitorTimings({ monitorId: randomUUID(), window: "30d" })),
    ).toEqual([Code.InvalidArgument, "window must be one of 1h, 24h, 7d"]);
  });
});

describe("MonitorService tenant isolation", () => {
  it("answers another organization's monitor id exactly like an unknown one, for every RPC", async () => {
    const { monitor } = await client.createMonitor({
      monitor: { name: "Acme home", url: "http://127.0.0.1:9/", intervalSeconds: 30 },
    });
    const id = monitor?.id ?? "";
    const spec = { name: "stolen", url: "http://127.0.0.1:9/evil" };
    const notFound = [Code.NotFound, `monitor ${id} not found`];
    expect(await connectCode(other.getMonitor({ id }))).toEqual(notFound);
    expect(await connectCode(other.updateMonitor({ id, monitor: spec }))).toEqual(notFound);
    expect(await connectCode(other.pauseMonitor({ id }))).toEqual(notFound);
    expect(await connectCode(other.resumeMonitor({ id }))).toEqual(notFound);
    expect(await connectCode(other.deleteMonitor({ id }))).toEqual(notFound);
    expect(await connectCode(other.listCheckResults({ monitorId: id }))).toEqual(notFound);
    expect(await connectCode(other.getMonitorStats({ monitorId: id }))).toEqual(notFound);
    expect(await connectCode(other.getMonitorTimings({ monitorId: id }))).toEqual(notFound);
    expect((await other.getMonitorSummaries({ monitorIds: [id] })).summaries).toEqual([]);
    expect((await other.listMonitors({})).monitors).toEqual([]);

    // Nothing the other organization tried changed the monitor or its schedule.
    const still = (await client.getMonitor({ id })).monitor;
    expect(still).toMatchObject({ name: "Acme home", url: "http://127.0.0.1:9/", enabled: true });
    expect((await api.schedule.get(id))?.intervalMs).toBe(30_000);
    expect((await client.listMonitors({})).monitors.map((m) => m.id)).toEqual([id]);
  });

  it("keeps each organization's listing to its own monitors", async () => {
    await client.createMonitor({ monitor: { name: "a1", url: "http://127.0.0.1:9/" } });
    await other.createMonitor({ monitor: { name: "b1", url: "http://127.0.0.1:9/" } });
    await client.createMonitor({ monitor: { name: "a2", url: "http://127.0.0.1:9/" } });
    expect((await client.listMonitors({})).monitors.map((m) => m.name)).toEqual(["a1", "a2"]);
    expect((await other.listMonitors({})).monitors.map((m) => m.name)).toEqual(["b1"]);
  });
});
