import { create } from "@bufbuild/protobuf";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CheckErrorKind, HeartbeatSpecSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { createTestOrg } from "../../../test/support/accounts.js";
import { eventually } from "../../../test/support/eventually.js";
import {
  createHeartbeatMonitor,
  type HeartbeatMonitorOptions,
} from "../../../test/support/heartbeat-monitors.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { silentLogger } from "../../core/logger.js";
import { connection } from "../../db/connection.js";
import { armHeartbeat, disarmHeartbeat } from "./heartbeat-state.js";
import * as q from "./heartbeat-state.queries.js";
import { formatInstant } from "./miss-words.js";
import { applyQueuedPings, monotonicMicros } from "./ping-applier.js";
import type { PingKind } from "./ping-effects.js";
import { createPingQueue, type PingOutcome } from "./ping-queue.js";
import { type HeartbeatSweeperDeps, startHeartbeatSweeper, sweepHeartbeats } from "./sweeper.js";

// The sweeper against a real Postgres schema, driven by calling its round with a clock the test
// moves instead of sleeping. A round takes every due row of the schema, so each test disarms
// what it left behind. Clocks start at the real now, so results land in the day partitions
// that exist.

const SECOND = 1000;
let db: TestDatabase;
let orgId: string;
let t0: number;

beforeAll(async () => {
  db = await createTestDatabase();
  orgId = (await createTestOrg(db.pool, "Sweeps")).orgId;
});
beforeEach(() => {
  // A whole minute: the words of a missed deadline are then exact, and a cron's marks known.
  t0 = Math.floor(Date.now() / 60_000) * 60_000;
});
afterEach(async () => {
  await db.pool.query("UPDATE heartbeat_state SET due_at = NULL");
});
afterAll(async () => {
  await db.drop();
});

const deps = (extra: Partial<HeartbeatSweeperDeps> = {}): HeartbeatSweeperDeps => ({
  pool: db.pool,
  region: "sweeper",
  log: silentLogger,
  ...extra,
});

/** queuePing queues a ping as the endpoint does, arrived at atMs, and applies nothing. */
async function queuePing(
  m: { id: string; token: string },
  kind: PingKind,
  atMs: number,
): Promise<PingOutcome> {
  const queue = createPingQueue({ pool: db.pool, region: "api", log: silentLogger });
  try {
    return await queue.write({ monitorId: m.id, token: m.token, kind, arrivedMs: atMs, body: "" });
  } finally {
    await queue.close();
  }
}

/** ping queues a ping and applies it at atMs, as its API process does right after. */
async function ping(m: { id: string; token: string }, kind: PingKind, atMs: number) {
  const outcome = await queuePing(m, kind, atMs);
  await applyQueuedPings(
    { pool: db.pool, log: silentLogger },
    monotonicMicros(() => atMs),
  );
  return outcome;
}

const monitor = (options: HeartbeatMonitorOptions) =>
  createHeartbeatMonitor(db.pool, orgId, { armedAtMs: t0, ...options });

interface MissRow {
  up: boolean;
  error: string;
  error_kind: number;
  region: string;
  maintenance: boolean;
  checked_at: Date;
  scheduled_at: Date;
}
const resultsOf = async (monitorId: string) =>
  (
    await db.pool.query<MissRow>(
      `SELECT up, error, error_kind, region, maintenance, checked_at, scheduled_at
       FROM check_results WHERE monitor_id = $1 ORDER BY checked_at`,
      [monitorId],
    )
  ).rows;
const dueAt = async (monitorId: string) =>
  (
    await db.pool.query<{ due_at: Date | null; started_at: Date | null }>(
      "SELECT due_at, started_at FROM heartbeat_state WHERE monitor_id = $1",
      [monitorId],
    )
  ).rows[0];
const alertKinds = async (monitorId: string) =>
  (
    await db.pool.query<{ kind: string }>(
      "SELECT kind FROM alert_events WHERE monitor_id = $1 ORDER BY created_at",
      [monitorId],
    )
  ).rows.map((r) => r.kind);
const statusOf = async (monitorId: string) =>
  (
    await db.pool.query<{ alert_status: string }>(
      "SELECT alert_status FROM monitor_state WHERE monitor_id = $1",
      [monitorId],
    )
  ).rows[0]?.alert_status;

describe("a deadline that passes without a ping", () => {
  it("records a missed result per deadline, goes DOWN after the confirmations and alerts once", async () => {
    const m = await monitor({ spec: { periodSeconds: 60, graceSeconds: 10 }, confirmations: 2 });
    const handedOut: string[] = [];
    const sweep = deps({
      handOut: async (events) => {
        handedOut.push(...events.map((e) => e.event.monitorId));
      },
    });

    expect((await sweepHeartbeats(sweep, t0 + 69 * SECOND)).results).toEqual([]);
    expect((await sweepHeartbeats(sweep, t0 + 71 * SECOND)).results).toHaveLength(1);
    const [first] = await resultsOf(m.id);
    expect(first).toMatchObject({
      up: false,
      error: "no ping within 1 min + 10 s grace (no ping yet)",
      error_kind: CheckErrorKind.HEARTBEAT_MISSED,
      region: "sweeper",
      maintenance: false,
    });
    expect(first?.scheduled_at.getTime()).toBe(t0 + 70 * SECOND);
    expect(first?.checked_at.getTime()).toBe(t0 + 71 * SECOND);
    expect((await dueAt(m.id))?.due_at?.getTime()).toBe(t0 + 130 * SECOND);
    expect(await alertKinds(m.id)).toEqual([]);

    // The second missed deadline in a row: DOWN, one alert.
    await sweepHeartbeats(sweep, t0 + 131 * SECOND);
    expect(await statusOf(m.id)).toBe("down");
    // Still down a period later: one more missed result, no second alert.
    await sweepHeartbeats(sweep, t0 + 191 * SECOND);
    expect(await resultsOf(m.id)).toHaveLength(3);
    expect(await alertKinds(m.id)).toEqual(["monitor_down"]);
    expect(handedOut).toEqual([m.id]);

    // The next ping recovers it.
    const clock = t0 + 200 * SECOND;
    const outcome = await ping(m, "success", clock);
    expect(outcome).toBe("queued");
    expect(await statusOf(m.id)).toBe("up");
    expect(await alertKinds(m.id)).toEqual(["monitor_down", "monitor_recovered"]);
    expect((await dueAt(m.id))?.due_at?.getTime()).toBe(clock + 70 * SECOND);
  });

  it("names the last ping in the missed result's words", async () => {
    const m = await monitor({ spec: { periodSeconds: 3600, graceSeconds: 300 } });
    const pingAt = t0 + 10 * 60 * SECOND;
    await ping(m, "success", pingAt);
    await sweepHeartbeats(deps(), pingAt + 3901 * SECOND);
    const missed = (await resultsOf(m.id)).filter((r) => !r.up);
    expect(missed.map((r) => r.error)).toEqual([
      `no ping within 1 h + 5 min grace (last ping ${formatInstant(pingAt, "UTC")})`,
    ]);
  });

  it("records a started job that did not end within the grace time as missed", async () => {
    const m = await monitor({ spec: { periodSeconds: 3600, graceSeconds: 60 } });
    const startAt = t0 + 10 * SECOND;
    await ping(m, "start", startAt);
    expect((await dueAt(m.id))?.due_at?.getTime()).toBe(startAt + 60 * SECOND);

    await sweepHeartbeats(deps(), startAt + 61 * SECOND);
    expect((await resultsOf(m.id)).map((r) => r.error)).toEqual([
      `started at ${formatInstant(startAt, "UTC")} and did not end within 1 min`,
    ]);
    // The start is forgotten; the next run is expected a period after it started.
    const state = await dueAt(m.id);
    expect(state?.started_at).toBeNull();
    expect(state?.due_at?.getTime()).toBe(startAt + 3660 * SECOND);
  });

  it("follows a cron schedule: each run's time plus grace", async () => {
    const m = await monitor({ spec: { cron: "*/5 * * * *", graceSeconds: 30 } });
    // t0 is a whole minute: the next five-minute mark strictly after it.
    const firstRun = (Math.floor(t0 / 300_000) + 1) * 300_000;
    expect((await dueAt(m.id))?.due_at?.getTime()).toBe(firstRun + 30 * SECOND);

    await sweepHeartbeats(deps(), firstRun + 31 * SECOND);
    expect((await resultsOf(m.id)).map((r) => r.error)).toEqual([
      `no ping for the ${formatInstant(firstRun, "UTC")} run + 30 s grace (no ping yet)`,
    ]);
    expect((await dueAt(m.id))?.due_at?.getTime()).toBe(firstRun + 330 * SECOND);

    // A ping for the next run, a little late but within grace: the one after is expected.
    const pingAt = firstRun + 310 * SECOND;
    await ping(m, "success", pingAt);
    expect((await dueAt(m.id))?.due_at?.getTime()).toBe(firstRun + 630 * SECOND);
    expect((await sweepHeartbeats(deps(), firstRun + 629 * SECOND)).results).toEqual([]);
  });

  it("records one missed result for a backlog, and counts the next deadline from now", async () => {
    const m = await monitor({ spec: { periodSeconds: 60, graceSeconds: 0 } });
    const now = t0 + 3600 * SECOND;
    expect((await sweepHeartbeats(deps(), now)).results).toHaveLength(1);
    expect((await dueAt(m.id))?.due_at?.getTime()).toBe(now + 60 * SECOND);
    expect((await sweepHeartbeats(deps(), now + SECOND)).results).toEqual([]);
  });

  it("marks a deadline missed in a maintenance window, which alerts on nothing", async () => {
    const m = await monitor({ spec: { periodSeconds: 60, graceSeconds: 0 }, confirmations: 1 });
    await sweepHeartbeats(deps({ inMaintenance: (id) => id === m.id }), t0 + 61 * SECOND);
    expect((await resultsOf(m.id)).map((r) => r.maintenance)).toEqual([true]);
    expect(await alertKinds(m.id)).toEqual([]);
  });
});

describe("pings still in the inbox", () => {
  it("are applied by the sweep before it looks at deadlines: one on time is not missed", async () => {
    const m = await monitor({ spec: { periodSeconds: 60, graceSeconds: 10 } });
    // Queued and acknowledged 5 s before the deadline; its API process died before applying.
    expect(await queuePing(m, "success", t0 + 65 * SECOND)).toBe("queued");
    const sweepAt = t0 + 75 * SECOND;
    const round = await sweepHeartbeats(deps(), sweepAt);
    expect(round.pingsApplied).toBe(1);
    expect(round.results).toEqual([]);
    const rows = await resultsOf(m.id);
    expect(rows.map((r) => [r.up, r.region])).toEqual([[true, "api"]]);
    expect(rows[0]?.scheduled_at.getTime()).toBe(t0 + 65 * SECOND);
    // Applied at the sweep's time: the deadline counts from there.
    expect((await dueAt(m.id))?.due_at?.getTime()).toBe(sweepAt + 70 * SECOND);
    const left = await db.pool.query("SELECT 1 FROM ping_inbox WHERE monitor_id = $1", [m.id]);
    expect(left.rows).toEqual([]);
  });

  it("keep their monitor out of the deadlines locked while they wait", async () => {
    const m = await monitor({ spec: { periodSeconds: 60, graceSeconds: 0 } });
    await queuePing(m, "success", t0 + 30 * SECOND);
    const due = await q.lockDueHeartbeats.run(
      { now: new Date(t0 + 3600 * SECOND), limit: 1000 },
      connection(db.pool),
    );
    expect(due.map((row) => row.monitor_id)).not.toContain(m.id);
    // Applied, the ping moves the deadline; past it, the monitor is swept as any other.
    await sweepHeartbeats(deps(), t0 + 31 * SECOND);
    expect((await sweepHeartbeats(deps(), t0 + 92 * SECOND)).results).toHaveLength(1);
  });

  it("are applied in the order they were queued, start before its end", async () => {
    const m = await monitor({ spec: { periodSeconds: 3600, graceSeconds: 60 } });
    await queuePing(m, "start", t0 + 10 * SECOND);
    await queuePing(m, "success", t0 + 20 * SECOND);
    // One round takes both: the start opens the job, the success ends it.
    const round = await sweepHeartbeats(deps(), t0 + 30 * SECOND);
    expect(round.pingsApplied).toBe(2);
    const state = await dueAt(m.id);
    expect(state?.started_at).toBeNull();
    expect((await resultsOf(m.id)).map((r) => r.up)).toEqual([true]);
  });

  it("of a monitor paused or deleted since are dropped, changing nothing", async () => {
    const paused = await monitor({ spec: { periodSeconds: 60, graceSeconds: 0 } });
    const deleted = await monitor({ spec: { periodSeconds: 60, graceSeconds: 0 } });
    await queuePing(paused, "success", t0 + 10 * SECOND);
    await queuePing(deleted, "fail", t0 + 10 * SECOND);
    await db.pool.query("UPDATE monitors SET enabled = false WHERE id = $1", [paused.id]);
    await disarmHeartbeat(db.pool, paused.id);
    await db.pool.query("DELETE FROM monitors WHERE id = $1", [deleted.id]);
    const round = await sweepHeartbeats(deps(), t0 + 20 * SECOND);
    expect(round.pingsApplied).toBe(1);
    expect(await resultsOf(paused.id)).toEqual([]);
    expect(await dueAt(paused.id)).toEqual({ due_at: null, started_at: null });
    const left = await db.pool.query("SELECT count(*)::int AS n FROM ping_inbox");
    expect(left.rows).toEqual([{ n: 0 }]);
  });
});

describe("monitors the sweeper leaves alone", () => {
  it("skips a paused monitor until it is armed again, counting from then", async () => {
    const m = await monitor({ spec: { periodSeconds: 60, graceSeconds: 0 } });
    await db.pool.query("UPDATE monitors SET enabled = false WHERE id = $1", [m.id]);
    await disarmHeartbeat(db.pool, m.id);
    expect((await sweepHeartbeats(deps(), t0 + 3600 * SECOND)).results).toEqual([]);

    const resumedAt = t0 + 3600 * SECOND;
    await db.pool.query("UPDATE monitors SET enabled = true WHERE id = $1", [m.id]);
    await armHeartbeat(
      db.pool,
      m.id,
      create(HeartbeatSpecSchema, { periodSeconds: 60, graceSeconds: 0 }),
      resumedAt,
    );
    expect((await sweepHeartbeats(deps(), resumedAt + 59 * SECOND)).results).toEqual([]);
    expect((await sweepHeartbeats(deps(), resumedAt + 60 * SECOND)).results).toHaveLength(1);
  });
});

describe("sweepers in several workers", () => {
  it("record exactly one missed result per deadline between them", async () => {
    const monitors = await Promise.all(
      Array.from({ length: 40 }, () => monitor({ spec: { periodSeconds: 60, graceSeconds: 0 } })),
    );
    // Four sweepers at once, each taking 7 rows a round until a round finds nothing; their
    // clocks differ by a millisecond, so a deadline recorded twice would be two rows.
    const sweeper = async (i: number) => {
      let recorded = 0;
      for (;;) {
        const { results } = await sweepHeartbeats(deps({ batch: 7 }), t0 + 61 * SECOND + i);
        if (results.length === 0) return recorded;
        recorded += results.length;
      }
    };
    const counts = await Promise.all([0, 1, 2, 3].map(sweeper));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(40);
    const { rows } = await db.pool.query<{ monitor_id: string; n: number }>(
      `SELECT monitor_id, count(*)::int AS n FROM check_results
       WHERE monitor_id = ANY($1::uuid[]) GROUP BY monitor_id`,
      [monitors.map((m) => m.id)],
    );
    expect(rows).toHaveLength(40);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it("run on a timer until stopped", async () => {
    const m = await monitor({ spec: { periodSeconds: 60, graceSeconds: 0 } });
    const running = startHeartbeatSweeper({
      ...deps(),
      everyMs: 20,
      now: () => t0 + 61 * SECOND,
    });
    try {
      await eventually(async () => (await resultsOf(m.id)).length === 1, {
        what: "the timer's round to record the missed deadline",
      });
    } finally {
      await running.stop();
    }
    expect(await resultsOf(m.id)).toHaveLength(1);
  });
});
