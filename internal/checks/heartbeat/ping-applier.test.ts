import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../../../test/support/accounts.js";
import { createHeartbeatMonitor } from "../../../test/support/heartbeat-monitors.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { silentLogger } from "../../core/logger.js";
import { applyQueuedPings, monotonicMicros } from "./ping-applier.js";
import type { PingKind } from "./ping-effects.js";
import { createPingQueue } from "./ping-queue.js";

// Applying the inbox from several processes at once, against a real Postgres schema: each ping
// applied exactly once, a monitor's pings in the order they were queued.

let db: TestDatabase;
let orgId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  orgId = (await createTestOrg(db.pool, "Appliers")).orgId;
});
afterAll(async () => {
  await db.drop();
});

describe("appliers in several processes", () => {
  it("apply each queued ping exactly once, each monitor's in the order queued", async () => {
    const monitors = await Promise.all(
      Array.from({ length: 30 }, () =>
        createHeartbeatMonitor(db.pool, orgId, { spec: { periodSeconds: 3600 } }),
      ),
    );
    const queue = createPingQueue({ pool: db.pool, region: "api", log: silentLogger });
    // Per monitor: start, success, start, fail, start (left open), queued in that order.
    const kinds: PingKind[] = ["start", "success", "start", "fail", "start"];
    const t0 = Date.now();
    for (const [i, kind] of kinds.entries()) {
      await Promise.all(
        monitors.map((m) =>
          queue.write({ monitorId: m.id, token: m.token, kind, arrivedMs: t0 + i, body: "" }),
        ),
      );
    }
    await queue.close();

    // Four appliers at once, each taking 4 monitors a round until a round finds nothing.
    const applier = async () => {
      const stamp = monotonicMicros(Date.now);
      let taken = 0;
      for (;;) {
        const round = await applyQueuedPings({ pool: db.pool, log: silentLogger }, stamp, 4);
        if (round.taken === 0) return taken;
        taken += round.taken;
      }
    };
    const counts = await Promise.all([applier(), applier(), applier(), applier()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(monitors.length * kinds.length);

    const { rows } = await db.pool.query<{ monitor_id: string; ups: boolean[] }>(
      `SELECT monitor_id, array_agg(up ORDER BY checked_at) AS ups FROM check_results
       WHERE monitor_id = ANY($1::uuid[]) GROUP BY monitor_id`,
      [monitors.map((m) => m.id)],
    );
    expect(rows).toHaveLength(monitors.length);
    // The success, then the fail: each once, in order.
    for (const row of rows) expect(row.ups).toEqual([true, false]);
    // Each monitor ends with the last start pending: applied after the fail, not before it.
    const open = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM heartbeat_state
       WHERE monitor_id = ANY($1::uuid[]) AND started_at IS NOT NULL`,
      [monitors.map((m) => m.id)],
    );
    expect(open.rows).toEqual([{ n: monitors.length }]);
    const left = await db.pool.query("SELECT 1 FROM ping_inbox");
    expect(left.rowCount).toBe(0);
  });
});
