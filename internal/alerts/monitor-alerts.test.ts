import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { AlertKind, DeliveryStatus } from "../../gen/pulsar/v1/alert_pb.js";
import { createTestOrg } from "../../test/support/accounts.js";
import {
  alertEventsOf,
  insertChannelFixture,
  resultsFixture,
} from "../../test/support/alert-fixtures.js";
import { resultFixture, specFixture } from "../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { insertMonitor } from "../checks/monitors/monitors.js";
import { storeCheckResults } from "../checks/results/store-check-results.js";

const MINUTE = 60_000;

let db: TestDatabase;
let orgId: string;
let channelId: string;
let otherOrgChannelId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  orgId = (await createTestOrg(db.pool, "Acme")).orgId;
  const otherOrgId = (await createTestOrg(db.pool, "Globex")).orgId;
  channelId = await insertChannelFixture(db.pool, orgId, {
    kind: "discord",
    url: "http://127.0.0.1:9/api/webhooks/1/x",
  });
  otherOrgChannelId = await insertChannelFixture(db.pool, otherOrgId, {
    kind: "discord",
    url: "http://127.0.0.1:9/api/webhooks/2/y",
  });
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors, check_results, alert_events, incidents CASCADE");
});

const newMonitor = async (overrides: Parameters<typeof specFixture>[0] = {}) =>
  (
    await insertMonitor(
      db.pool,
      orgId,
      specFixture({ name: "Checkout API", alertChannelIds: [channelId], ...overrides }),
    )
  ).id;

/** storeOneByOne writes each result as a batch of its own, as a quiet worker would. */
const storeOneByOne = async (results: ReturnType<typeof resultsFixture>) => {
  const recorded = [];
  for (const result of results) recorded.push(await storeCheckResults(db.pool, [result]));
  return recorded;
};

const start = () => Date.now() - 30 * MINUTE;

describe("monitor alerts", () => {
  it("records one DOWN and one RECOVERED for a flapping target, with an incident between", async () => {
    const monitorId = await newMonitor();
    const t0 = start();
    const recorded = await storeOneByOne(resultsFixture(monitorId, "ududduudu", t0));

    const events = await alertEventsOf(db.pool, monitorId);
    expect(events.map((e) => e.kind)).toEqual(["monitor_down", "monitor_recovered"]);
    expect(events[0]?.title).toBe("Checkout API is down");
    expect(events[0]?.message).toContain("Error: failure 3");
    expect(events[0]?.message).toContain("Latest error: failure 4");
    expect(events[0]?.message).toMatch(
      /Timing: DNS 10 ms · TCP 20 ms · TLS 30 ms · TTFB 30 ms · Download 10 ms/,
    );
    // Down from the first failure (minute 3) to the first success (minute 5).
    expect(events[1]?.title).toBe("Checkout API recovered after 2 min");
    expect(events[1]?.downtime_seconds).toBe(120);
    expect(events[1]?.incident_id).toBe(events[0]?.incident_id);

    const incidents = await db.pool.query(
      "SELECT id, started_at, ended_at, cause FROM incidents WHERE monitor_id = $1",
      [monitorId],
    );
    expect(incidents.rows).toEqual([
      {
        id: events[0]?.incident_id,
        started_at: new Date(t0 + 3 * MINUTE),
        ended_at: new Date(t0 + 5 * MINUTE),
        cause: "failure 3",
      },
    ]);

    // What the caller gets to hand out, once committed.
    const alerts = recorded.flatMap((r) => r.alertEvents);
    expect(alerts.map((a) => [a.orgId, a.event.kind])).toEqual([
      [orgId, AlertKind.MONITOR_DOWN],
      [orgId, AlertKind.MONITOR_RECOVERED],
    ]);
    expect(alerts[0]?.event.deliveries).toMatchObject([
      { channelId, channelName: "discord channel", status: DeliveryStatus.PENDING },
    ]);
    const deliveries = await db.pool.query(
      "SELECT status, attempts FROM alert_deliveries ORDER BY event_id",
    );
    expect(deliveries.rows).toEqual([
      { status: "pending", attempts: 0 },
      { status: "pending", attempts: 0 },
    ]);
  });

  it("decides the same alerts whether results come one by one or in a single batch", async () => {
    const monitorId = await newMonitor();
    await storeCheckResults(db.pool, resultsFixture(monitorId, "ududduudu", start()).reverse());
    const events = await alertEventsOf(db.pool, monitorId);
    expect(events.map((e) => e.kind)).toEqual(["monitor_down", "monitor_recovered"]);
    const incidents = await db.pool.query("SELECT ended_at FROM incidents");
    expect(incidents.rows[0]?.ended_at).toBeInstanceOf(Date);
  });

  it("respects confirmations and recovery confirmations", async () => {
    const monitorId = await newMonitor({ confirmations: 3, recoveryConfirmations: 2 });
    const t0 = start();
    await storeOneByOne(resultsFixture(monitorId, "uddudd", t0));
    expect(await alertEventsOf(db.pool, monitorId)).toEqual([]);
    await storeOneByOne(resultsFixture(monitorId, "dudu", t0 + 6 * MINUTE));
    expect((await alertEventsOf(db.pool, monitorId)).map((e) => e.kind)).toEqual(["monitor_down"]);
    await storeOneByOne(resultsFixture(monitorId, "u", t0 + 10 * MINUTE));
    expect((await alertEventsOf(db.pool, monitorId)).map((e) => e.kind)).toEqual([
      "monitor_down",
      "monitor_recovered",
    ]);
  });

  it("never alerts for a paused monitor, and its counters do not move", async () => {
    const monitorId = await newMonitor({ enabled: false });
    await storeOneByOne(resultsFixture(monitorId, "dddddd", start()));
    expect(await alertEventsOf(db.pool, monitorId)).toEqual([]);
    const state = await db.pool.query(
      "SELECT alert_status, consecutive_failures, last_up FROM monitor_state WHERE monitor_id = $1",
      [monitorId],
    );
    expect(state.rows[0]).toEqual({
      alert_status: "unknown",
      consecutive_failures: 0,
      last_up: false,
    });
  });

  it("never double-alerts when two writers store results of one monitor at once", async () => {
    for (let round = 0; round < 10; round++) {
      const monitorId = await newMonitor();
      const t0 = start();
      const [a, b, c, d, e, f] = resultsFixture(monitorId, "dddduu", t0);
      await Promise.all([
        storeCheckResults(
          db.pool,
          [a, c].filter((r) => r !== undefined),
        ),
        storeCheckResults(
          db.pool,
          [b, d].filter((r) => r !== undefined),
        ),
      ]);
      await Promise.all([
        storeCheckResults(
          db.pool,
          [e].filter((r) => r !== undefined),
        ),
        storeCheckResults(
          db.pool,
          [f].filter((r) => r !== undefined),
        ),
      ]);
      const kinds = (await alertEventsOf(db.pool, monitorId)).map((event) => event.kind);
      expect(kinds, `round ${round}`).toEqual(["monitor_down", "monitor_recovered"]);
    }
  });

  it("delivers only to channels that still exist in the monitor's organization", async () => {
    const monitorId = await newMonitor();
    const deleted = await insertChannelFixture(db.pool, orgId, {
      kind: "webhook",
      url: "http://127.0.0.1:9/hook",
      secret: "0123456789abcdef",
    });
    await db.pool.query("UPDATE monitors SET alert_channel_ids = $2 WHERE id = $1", [
      monitorId,
      [channelId, otherOrgChannelId, deleted, channelId],
    ]);
    await db.pool.query("DELETE FROM alert_channels WHERE id = $1", [deleted]);
    const [first, down] = await storeOneByOne(resultsFixture(monitorId, "dd", start()));
    expect(first?.alertEvents).toEqual([]);
    expect(down?.alertEvents[0]?.event.deliveries.map((d) => d.channelId)).toEqual([channelId]);
  });

  it("reminds every reminderMinutes while down, and not after recovery", async () => {
    const monitorId = await newMonitor({ reminderMinutes: 5 });
    const t0 = start();
    await storeCheckResults(db.pool, resultsFixture(monitorId, "d".repeat(12), t0));
    await storeOneByOne(resultsFixture(monitorId, "dddddd", t0 + 12 * MINUTE));
    await storeOneByOne(resultsFixture(monitorId, "u", t0 + 18 * MINUTE));
    await storeOneByOne(resultsFixture(monitorId, "dd", t0 + 19 * MINUTE));
    const events = await alertEventsOf(db.pool, monitorId);
    // DOWN at minute 1; reminders at 6 and 11 (one batch) and 16 (its own); recovered at 18;
    // down again at 20, with no reminder carried over.
    expect(events.map((e) => e.kind)).toEqual([
      "monitor_down",
      "monitor_reminder",
      "monitor_reminder",
      "monitor_reminder",
      "monitor_recovered",
      "monitor_down",
    ]);
    // Down since the first failure, at minute 0.
    expect(events[1]?.title).toBe("Checkout API is still down (6 min)");
    expect(new Set(events.slice(0, 5).map((e) => e.incident_id)).size).toBe(1);
  });

  it("adds one round trip to a batch without transitions", async () => {
    const monitorId = await newMonitor();
    const t0 = start();
    await storeCheckResults(db.pool, [resultFixture({ monitorId, checkedAtMs: t0 })]);
    // withTransaction releases the client.
    const client = await db.pool.connect();
    const query = vi.spyOn(client, "query");
    await storeCheckResults({ connect: async () => client }, [
      resultFixture({ monitorId, checkedAtMs: t0 + MINUTE }),
    ]);
    // BEGIN, insert, lock, save, COMMIT: the lock is the one round trip the status adds, and
    // recording alerts adds none without a transition.
    expect(query).toHaveBeenCalledTimes(5);
  });
});
