import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestOrg } from "../../../test/support/accounts.js";
import {
  createDayPartition,
  DAY,
  MINUTE,
  resultFixture,
  specFixture,
} from "../../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { deleteMonitor, getMonitor, insertMonitor } from "../monitors/monitors.js";
import { getMonitorStats, insertCheckResults, listCheckResults } from "./results.js";
import { storeCheckResults } from "./store-check-results.js";

let db: TestDatabase;
let orgId: string;
let monitorId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  orgId = (await createTestOrg(db.pool)).orgId;
  // Results a day and a minute old fall before yesterday just after midnight UTC.
  await createDayPartition(db.pool, -2);
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors, check_results CASCADE");
  monitorId = (await insertMonitor(db.pool, orgId, specFixture())).id;
});

const countRows = async () =>
  Number(
    (await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM check_results")).rows[0]?.n,
  );

describe("check results", () => {
  it("stores 1,000 results in one round trip and reads them newest first", async () => {
    const now = Date.now();
    const batch = Array.from({ length: 1000 }, (_, i) =>
      resultFixture({ monitorId, checkedAtMs: now - (i + 1) * 30_000, totalMs: i }),
    );
    const client = await db.pool.connect();
    try {
      const query = vi.spyOn(client, "query");
      expect(await insertCheckResults(client, batch)).toBe(1000);
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      client.release();
    }

    const newest = await listCheckResults(db.pool, { monitorId, limit: 5 });
    expect(newest.map((r) => r.timing?.totalMs)).toEqual([0, 1, 2, 3, 4]);
    expect(newest[0]).toEqual(batch[0]);

    const window = await listCheckResults(db.pool, {
      monitorId,
      since: new Date(now - 20 * 30_000),
      until: new Date(now - 10 * 30_000),
      limit: 100,
    });
    // since is inclusive, until exclusive: checks 11..20 of the batch (totalMs 10..19).
    expect(window.map((r) => r.timing?.totalMs)).toEqual(
      Array.from({ length: 10 }, (_, i) => 10 + i),
    );
  });

  it("stores every field exactly, whatever its text holds", async () => {
    const now = Date.now();
    const tricky = {
      ...resultFixture({ monitorId, checkedAtMs: now - 60_000, up: false, totalMs: 12.345 }),
      error: 'refused: "quoted", {braced}, back\\slash\\ and NULL',
      errorKind: 3,
      tlsCertIssuer: 'CN=Example, O="Quotes" Inc.',
      remoteAddress: "2001:db8::1",
      region: "eu west",
      responseBytes: 9_007_199_254_740_993n,
      answer: "1.2.3.4, 5.6.7.8",
      maintenance: true,
      jobDurationMs: 7.5,
    };
    const plain = resultFixture({ monitorId, checkedAtMs: now - 30_000 });
    expect(await insertCheckResults(db.pool, [tricky, plain])).toBe(2);
    const [second, first] = await listCheckResults(db.pool, { monitorId, limit: 5 });
    expect(first).toEqual(tricky);
    expect(second).toEqual(plain);
  });

  it("ignores a result stored already, within a batch and across retries", async () => {
    const result = resultFixture({ monitorId, checkedAtMs: Date.now() - MINUTE });
    expect(await insertCheckResults(db.pool, [result, result])).toBe(1);
    await storeCheckResults(db.pool, [result]);
    expect(await countRows()).toBe(1);
  });

  it("keeps results a microsecond apart as distinct checks", async () => {
    const at = timestampFromMs(Date.now() - MINUTE);
    const a = resultFixture({ monitorId, checkedAtMs: 0 });
    const b = resultFixture({ monitorId, checkedAtMs: 0 });
    a.checkedAt = { ...at, nanos: at.nanos + 1000 };
    b.checkedAt = { ...at, nanos: at.nanos + 2000 };
    await storeCheckResults(db.pool, [b, a]);
    expect(await countRows()).toBe(2);
    expect((await getMonitor(db.pool, orgId, monitorId))?.lastResult?.checkedAt?.nanos).toBe(
      b.checkedAt.nanos,
    );
  });

  it("does not fail a batch holding a result of a deleted monitor", async () => {
    const gone = (await insertMonitor(db.pool, orgId, specFixture())).id;
    expect(await deleteMonitor(db.pool, orgId, gone)).toBe(true);
    const now = Date.now();
    await storeCheckResults(db.pool, [
      resultFixture({ monitorId: gone, checkedAtMs: now - MINUTE }),
      resultFixture({ monitorId, checkedAtMs: now - MINUTE }),
    ]);
    const stored = await db.pool.query<{ monitor_id: string }>(
      "SELECT monitor_id FROM check_results",
    );
    expect(stored.rows.map((r) => r.monitor_id)).toEqual([monitorId]);
    expect((await getMonitor(db.pool, orgId, monitorId))?.lastResult?.monitorId).toBe(monitorId);
  });

  it("keeps the newest result as the monitor's state when batches arrive out of order", async () => {
    const now = Date.now();
    const newer = resultFixture({ monitorId, checkedAtMs: now - MINUTE, up: false });
    const older = resultFixture({ monitorId, checkedAtMs: now - 2 * MINUTE, up: true });
    const oldest = resultFixture({ monitorId, checkedAtMs: now - 3 * MINUTE, up: true });

    await storeCheckResults(db.pool, [oldest, newer]);
    await storeCheckResults(db.pool, [older]);

    const monitor = await getMonitor(db.pool, orgId, monitorId);
    expect(monitor?.lastResult).toEqual(newer);
    const state = await db.pool.query<{ last_up: boolean; last_checked_at: Date }>(
      "SELECT last_up, last_checked_at FROM monitor_state WHERE monitor_id = $1",
      [monitorId],
    );
    expect(state.rows[0]).toEqual({ last_up: false, last_checked_at: new Date(now - MINUTE) });
    expect(await countRows()).toBe(3);
  });

  it("summarises a window: uptime over all checks, percentiles over responses", async () => {
    const now = Date.now();
    const batch = Array.from({ length: 100 }, (_, i) =>
      resultFixture({
        monitorId,
        checkedAtMs: now - (i + 1) * MINUTE,
        totalMs: i + 1,
        up: i % 10 !== 0,
        tlsCertExpiresAtMs: i === 5 ? now + 30 * DAY : i === 50 ? now + 10 * DAY : undefined,
        tlsCertIssuer: i === 5 ? "R11" : i === 50 ? "R10" : "",
      }),
    );
    // A timeout: down, no response; it counts for uptime only.
    batch.push(
      resultFixture({
        monitorId,
        checkedAtMs: now - 200 * MINUTE,
        up: false,
        statusCode: 0,
        totalMs: 10_000,
      }),
    );
    // Outside the window.
    batch.push(resultFixture({ monitorId, checkedAtMs: now - DAY - MINUTE, totalMs: 5000 }));
    await storeCheckResults(db.pool, batch);

    const stats = await getMonitorStats(db.pool, {
      monitorId,
      since: new Date(now - DAY),
      window: "24h",
    });
    expect(stats.window).toBe("24h");
    expect(stats.checks).toBe(101n);
    expect(stats.failures).toBe(11n);
    expect(stats.uptimeRatio).toBeCloseTo(90 / 101, 10);
    expect(stats.totalMs?.p50).toBeCloseTo(50.5, 10);
    expect(stats.totalMs?.p95).toBeCloseTo(95.05, 10);
    expect(stats.totalMs?.p99).toBeCloseTo(99.01, 10);
    expect(stats.avgTotalMs).toBeCloseTo(50.5, 10);
    expect(stats.dnsMs?.p50).toBeCloseTo(5.05, 10);
    expect(stats.tlsMs?.p99).toBeCloseTo(29.703, 10);
    expect(stats.tlsCertIssuer).toBe("R11");
    expect(stats.tlsCertExpiresAt && timestampMs(stats.tlsCertExpiresAt)).toBe(now + 30 * DAY);
  });

  it("gives uptime 0.9 for 100 responses of which 10 failed", async () => {
    const now = Date.now();
    await insertCheckResults(
      db.pool,
      Array.from({ length: 100 }, (_, i) =>
        resultFixture({
          monitorId,
          checkedAtMs: now - (i + 1) * MINUTE,
          totalMs: i + 1,
          up: i >= 10,
        }),
      ),
    );
    const stats = await getMonitorStats(db.pool, {
      monitorId,
      since: new Date(now - DAY),
      window: "24h",
    });
    expect(stats.uptimeRatio).toBeCloseTo(0.9, 10);
    expect(stats.totalMs?.p50).toBeCloseTo(50.5, 10);
  });

  it("times a TCP or DNS check that succeeded, and neither a heartbeat's ping nor a refusal", async () => {
    const now = Date.now();
    const at = (minutes: number) => now - minutes * MINUTE;
    await insertCheckResults(db.pool, [
      // Succeeded without an HTTP status (TCP, DNS): a response, its total a latency.
      resultFixture({ monitorId, checkedAtMs: at(1), statusCode: 0, totalMs: 10 }),
      resultFixture({ monitorId, checkedAtMs: at(2), statusCode: 0, totalMs: 30 }),
      // A heartbeat's ping: up, but no time to speak of.
      resultFixture({ monitorId, checkedAtMs: at(3), statusCode: 0, totalMs: 0 }),
      // Refused after 5 ms: down without a status, no latency either.
      resultFixture({ monitorId, checkedAtMs: at(4), up: false, statusCode: 0, totalMs: 5 }),
      // An HTTP error status is a response, up or not.
      resultFixture({ monitorId, checkedAtMs: at(5), up: false, statusCode: 503, totalMs: 20 }),
    ]);
    const stats = await getMonitorStats(db.pool, {
      monitorId,
      since: new Date(now - DAY),
      window: "24h",
    });
    expect(stats.checks).toBe(5n);
    expect(stats.failures).toBe(2n);
    expect(stats.avgTotalMs).toBeCloseTo(20, 10);
    expect(stats.totalMs?.p50).toBeCloseTo(20, 10);
  });

  it("returns zeros for a window without checks", async () => {
    const stats = await getMonitorStats(db.pool, {
      monitorId,
      since: new Date(Date.now() - DAY),
      window: "24h",
    });
    expect(stats).toMatchObject({
      checks: 0n,
      failures: 0n,
      uptimeRatio: 0,
      avgTotalMs: 0,
      tlsCertIssuer: "",
    });
    expect(stats.totalMs?.p99).toBe(0);
    expect(stats.tlsCertExpiresAt).toBeUndefined();
  });
});
