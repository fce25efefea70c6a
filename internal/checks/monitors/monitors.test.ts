import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MonitorKind, MonitorStatus, RegionRule } from "../../../gen/pulsar/v1/monitor_pb.js";
import { createTestOrg } from "../../../test/support/accounts.js";
import { eventually } from "../../../test/support/eventually.js";
import { MINUTE, resultFixture, specFixture } from "../../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { insertCheckResults } from "../results/results.js";
import { storeCheckResults } from "../results/store-check-results.js";
import { scheduleOf } from "./monitor-schedule.js";
import {
  countEnabledMonitors,
  deleteMonitor,
  getMonitor,
  insertMonitor,
  listEnabledSchedules,
  listMonitorsPage,
  setMonitorEnabled,
  updateMonitor,
} from "./monitors.js";

let db: TestDatabase;
// Two organizations for the whole file: monitors are truncated between tests, they are not.
let org: string;
let otherOrg: string;

beforeAll(async () => {
  db = await createTestDatabase();
  org = (await createTestOrg(db.pool, "Acme")).orgId;
  otherOrg = (await createTestOrg(db.pool, "Globex")).orgId;
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors, check_results CASCADE");
});

describe("monitors", () => {
  it("stores a monitor and reads it back with every field of its spec", async () => {
    const spec = specFixture({
      name: "api",
      method: "POST",
      headers: { authorization: "Bearer x", "x-trace": "1" },
      body: '{"ping":true}',
      intervalSeconds: 30,
      timeoutMs: 5000,
      expectedStatus: [
        { min: 200, max: 204 },
        { min: 301, max: 302 },
      ],
      keyword: "ok",
      invertKeyword: true,
      followRedirects: false,
      ignoreTlsErrors: true,
      regions: ["eu-west", "us-east"],
      regionRule: "all",
    });
    const created = await insertMonitor(db.pool, org, spec);
    const read = await getMonitor(db.pool, org, created.id);

    expect(read).toEqual(created);
    expect(read).toMatchObject({
      ...spec,
      kind: MonitorKind.HTTP,
      status: MonitorStatus.PENDING,
      regionRule: RegionRule.ALL,
    });
    expect(read?.lastResult).toBeUndefined();
    expect(read?.createdAt).toBeDefined();
    const owner = await db.pool.query<{ org_id: string }>(
      "SELECT org_id FROM monitors WHERE id = $1",
      [created.id],
    );
    expect(owner.rows).toEqual([{ org_id: org }]);
  });

  it("keeps absent optional body and keyword absent", async () => {
    const created = await insertMonitor(db.pool, org, specFixture());
    expect(created.body).toBeUndefined();
    expect(created.keyword).toBeUndefined();
  });

  it("replaces the spec on update and moves updatedAt", async () => {
    const created = await insertMonitor(db.pool, org, specFixture({ keyword: "up", body: "x" }));
    // Timestamps are read back at millisecond precision: let one pass.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const updated = await updateMonitor(db.pool, org, created.id, specFixture({ name: "renamed" }));
    expect(updated).toMatchObject({ id: created.id, name: "renamed" });
    expect(updated?.body).toBeUndefined();
    expect(updated?.keyword).toBeUndefined();
    expect(updated?.createdAt).toEqual(created.createdAt);
    expect(
      Number(updated?.updatedAt?.seconds) * 1e9 + (updated?.updatedAt?.nanos ?? 0),
    ).toBeGreaterThan(Number(created.updatedAt?.seconds) * 1e9 + (created.updatedAt?.nanos ?? 0));
  });

  it("returns undefined or false for a monitor that does not exist", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    expect(await getMonitor(db.pool, org, missing)).toBeUndefined();
    expect(await updateMonitor(db.pool, org, missing, specFixture())).toBeUndefined();
    expect(await setMonitorEnabled(db.pool, org, missing, false)).toBeUndefined();
    expect(await deleteMonitor(db.pool, org, missing)).toBe(false);
  });

  it("shows PAUSED when disabled and UP or DOWN from the last result otherwise", async () => {
    const { id } = await insertMonitor(db.pool, org, specFixture());
    await storeCheckResults(db.pool, [
      resultFixture({ monitorId: id, checkedAtMs: Date.now() - MINUTE, up: false }),
    ]);
    const down = await getMonitor(db.pool, org, id);
    expect(down?.status).toBe(MonitorStatus.DOWN);
    expect(down?.lastResult?.statusCode).toBe(503);

    expect((await setMonitorEnabled(db.pool, org, id, false))?.status).toBe(MonitorStatus.PAUSED);
    const resumed = await setMonitorEnabled(db.pool, org, id, true);
    expect(resumed?.status).toBe(MonitorStatus.DOWN);
    expect(resumed?.lastResult?.responseBytes).toBe(1234n);
  });

  it("deletes a monitor together with its state and results", async () => {
    const { id } = await insertMonitor(db.pool, org, specFixture());
    const other = await insertMonitor(db.pool, org, specFixture());
    const now = Date.now();
    await insertCheckResults(db.pool, [
      resultFixture({ monitorId: id, checkedAtMs: now - MINUTE }),
      resultFixture({ monitorId: other.id, checkedAtMs: now - MINUTE }),
    ]);

    expect(await deleteMonitor(db.pool, org, id)).toBe(true);
    const left = await db.pool.query<{ monitor_id: string }>(
      "SELECT monitor_id FROM check_results",
    );
    expect(left.rows.map((r) => r.monitor_id)).toEqual([other.id]);
    const state = await db.pool.query("SELECT 1 FROM monitor_state WHERE monitor_id = $1", [id]);
    expect(state.rowCount).toBe(0);
  });

  it("waits behind a ping's transaction holding its heartbeat row, without deadlocking", async () => {
    const { id } = await insertMonitor(db.pool, org, specFixture());
    await db.pool.query("INSERT INTO heartbeat_state (monitor_id) VALUES ($1)", [id]);
    // A ping being applied: its heartbeat row locked first, its monitor_state row next.
    const ping = await db.pool.connect();
    try {
      await ping.query("BEGIN");
      const { rows } = await ping.query<{ pid: number }>(
        "SELECT pg_backend_pid() AS pid FROM heartbeat_state WHERE monitor_id = $1 FOR UPDATE",
        [id],
      );
      const deleting = deleteMonitor(db.pool, org, id);
      await eventually(
        async () =>
          (
            await db.pool.query(
              "SELECT 1 FROM pg_locks WHERE NOT granted AND $1 = ANY(pg_blocking_pids(pid))",
              [rows[0]?.pid],
            )
          ).rowCount === 1,
        { what: "the delete waiting for the ping's lock" },
      );
      // The delete holds nothing the ping needs next: its monitor_state row is free.
      await ping.query("SELECT 1 FROM monitor_state WHERE monitor_id = $1 FOR UPDATE", [id]);
      await ping.query("COMMIT");
      expect(await deleting).toBe(true);
    } finally {
      ping.release();
    }
  });

  it("pages through 250 monitors 100 at a time without duplicates or gaps", async () => {
    for (let i = 0; i < 250; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          insertMonitor(db.pool, org, specFixture({ name: `m${String(i + j).padStart(3, "0")}` })),
        ),
      );
    }
    const pages: string[][] = [];
    let afterSeq: string | undefined;
    for (;;) {
      const page = await listMonitorsPage(db.pool, org, { afterSeq, limit: 100 });
      if (page.monitors.length === 0) break;
      pages.push(page.monitors.map((m) => m.id));
      expect(page.seqs).toHaveLength(page.monitors.length);
      afterSeq = page.lastSeq;
    }
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    const ids = pages.flat();
    expect(new Set(ids).size).toBe(250);
    const all = await db.pool.query<{ id: string }>("SELECT id FROM monitors ORDER BY seq");
    expect(ids).toEqual(all.rows.map((r) => r.id));
  });

  it("lists the schedules of enabled monitors only, of every organization, across pages", async () => {
    const created = [];
    for (let i = 0; i < 25; i++) {
      created.push(
        await insertMonitor(
          db.pool,
          // The workers check every organization's monitors: alternate the owners.
          i % 2 === 0 ? org : otherOrg,
          specFixture({ enabled: i % 5 !== 0, headers: { n: String(i) } }),
        ),
      );
    }
    const schedules = await listEnabledSchedules(db.pool, 7);
    const enabled = created.filter((m) => m.enabled);
    expect(schedules.map((s) => s.monitorId)).toEqual(enabled.map((m) => m.id));
    expect(await countEnabledMonitors(db.pool)).toBe(20);
    expect(schedules[0]).toMatchObject({
      intervalSeconds: 60,
      target: { url: "https://example.com/health", headers: { n: "1" }, timeoutMs: 10_000 },
    });
  });

  it("schedules a monitor alike whether the API or the reconciler builds its job", async () => {
    await db.pool.query("TRUNCATE monitors CASCADE");
    const monitor = await insertMonitor(
      db.pool,
      org,
      specFixture({
        method: "POST",
        headers: { "x-probe": "1" },
        body: "{}",
        expectedStatus: [
          { min: 200, max: 299 },
          { min: 418, max: 418 },
        ],
        keyword: "ok",
        invertKeyword: true,
        followRedirects: false,
        ignoreTlsErrors: true,
      }),
    );
    expect(await listEnabledSchedules(db.pool)).toEqual([scheduleOf(monitor, org)]);
  });
});

describe("monitors of two organizations", () => {
  it("hides a monitor from another organization: get, update, pause, delete and list find nothing and change nothing", async () => {
    const created = await insertMonitor(db.pool, org, specFixture({ name: "acme only" }));
    await storeCheckResults(db.pool, [
      resultFixture({ monitorId: created.id, checkedAtMs: Date.now() - MINUTE }),
    ]);
    const before = await getMonitor(db.pool, org, created.id);
    expect(before?.lastResult).toBeDefined();

    expect(await getMonitor(db.pool, otherOrg, created.id)).toBeUndefined();
    expect(
      await updateMonitor(db.pool, otherOrg, created.id, specFixture({ name: "hijacked" })),
    ).toBeUndefined();
    expect(await setMonitorEnabled(db.pool, otherOrg, created.id, false)).toBeUndefined();
    expect(await deleteMonitor(db.pool, otherOrg, created.id)).toBe(false);
    const page = await listMonitorsPage(db.pool, otherOrg, { limit: 100 });
    expect(page).toEqual({ monitors: [], seqs: [], lastSeq: undefined });

    // Same name, still enabled, same updatedAt, same last result; its results are all kept.
    expect(await getMonitor(db.pool, org, created.id)).toEqual(before);
    const results = await db.pool.query("SELECT 1 FROM check_results WHERE monitor_id = $1", [
      created.id,
    ]);
    expect(results.rowCount).toBe(1);
    expect((await listMonitorsPage(db.pool, org, { limit: 100 })).monitors).toEqual([before]);
  });

  it("pages only the caller's monitors, in seq order, when two organizations' monitors interleave", async () => {
    // One at a time, so that creation order is seq order: runs of two of the caller's
    // monitors between single ones of the other organization's.
    const created: { id: string; owner: string }[] = [];
    for (let i = 0; i < 30; i++) {
      const owner = i % 3 === 0 ? otherOrg : org;
      const { id } = await insertMonitor(db.pool, owner, specFixture({ name: `m${i}` }));
      created.push({ id, owner });
    }
    const idsOf = (owner: string, from = 0) =>
      created
        .slice(from)
        .filter((m) => m.owner === owner)
        .map((m) => m.id);
    const listAll = async (orgId: string) => {
      const ids: string[] = [];
      const seqs: bigint[] = [];
      let afterSeq: string | undefined;
      for (;;) {
        // 7 does not divide either organization's count: pages end mid-run.
        const page = await listMonitorsPage(db.pool, orgId, { afterSeq, limit: 7 });
        if (page.monitors.length === 0) return { ids, seqs };
        ids.push(...page.monitors.map((m) => m.id));
        seqs.push(...page.seqs.map(BigInt));
        afterSeq = page.lastSeq;
      }
    };

    const mine = await listAll(org);
    expect(mine.ids).toEqual(idsOf(org));
    expect(mine.seqs.every((seq, i) => i === 0 || seq > (mine.seqs[i - 1] ?? seq))).toBe(true);
    expect((await listAll(otherOrg)).ids).toEqual(idsOf(otherOrg));
    // A position taken from one organization's page, used by the other, still yields only the
    // other's monitors: those created after that position.
    const position = created.findIndex((m) => m.id === mine.ids[5]);
    const after = await listMonitorsPage(db.pool, otherOrg, {
      afterSeq: mine.seqs[5]?.toString(),
      limit: 100,
    });
    expect(after.monitors.map((m) => m.id)).toEqual(idsOf(otherOrg, position + 1));
  });
});
