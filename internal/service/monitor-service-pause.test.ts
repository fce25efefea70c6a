import type { createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MonitorService, MonitorStatus } from "../../gen/pulsar/v1/monitor_pb.js";
import { createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { alertEventsOf, resultsFixture } from "../../test/support/alert-fixtures.js";
import { callerClient } from "../../test/support/caller-client.js";
import { MINUTE } from "../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { storeCheckResults } from "../checks/results/store-check-results.js";
import { silentLogger } from "../core/logger.js";
import { createMonitorService } from "./monitor-service.js";

let db: TestDatabase;
let org: TestOrg;
let client: ReturnType<typeof createClient<typeof MonitorService>>;

beforeAll(async () => {
  db = await createTestDatabase();
  org = await createTestOrg(db.pool, "Acme");
  const service = createMonitorService({
    pool: db.pool,
    // Scheduling is not what these tests are about.
    scheduler: { schedule: async () => {}, unschedule: async () => {} },
    log: silentLogger,
  });
  client = callerClient(MonitorService, service, org.caller);
});
afterAll(async () => {
  await db.drop();
});

/** downMonitor creates a monitor that one failure takes DOWN, and takes it down. */
async function downMonitor(t0: number) {
  const { monitor } = await client.createMonitor({
    monitor: { name: "Checkout", url: "https://example.com/", confirmations: 1 },
  });
  const id = monitor?.id ?? "";
  await storeCheckResults(db.pool, resultsFixture(id, "d", t0));
  const [incident] = await incidentsOf(id);
  if (!incident || incident.ended_at !== null) throw new Error("the monitor did not go down");
  return { id, incidentId: incident.id };
}

const incidentsOf = async (monitorId: string) =>
  (
    await db.pool.query<{ id: string; ended_at: Date | null }>(
      "SELECT id, ended_at FROM incidents WHERE monitor_id = $1 ORDER BY started_at",
      [monitorId],
    )
  ).rows;

const stateOf = async (monitorId: string) =>
  (
    await db.pool.query(
      `SELECT alert_status, consecutive_failures, incident_id, last_up FROM monitor_state
       WHERE monitor_id = $1`,
      [monitorId],
    )
  ).rows[0];

const kindsOf = async (monitorId: string) =>
  (await alertEventsOf(db.pool, monitorId)).map((e) => e.kind);

describe("pausing a monitor", () => {
  it("ends a DOWN monitor's open incident now, without a recovery alert, and forgets its status", async () => {
    const { id, incidentId } = await downMonitor(Date.now() - 10 * MINUTE);
    const before = Date.now();
    const { monitor } = await client.pauseMonitor({ id });
    expect(monitor?.status).toBe(MonitorStatus.PAUSED);

    const [incident] = await incidentsOf(id);
    expect(incident?.id).toBe(incidentId);
    // Ended by the pause (Postgres's clock: a second's leeway either way).
    expect(incident?.ended_at?.getTime()).toBeGreaterThan(before - 1000);
    expect(incident?.ended_at?.getTime()).toBeLessThan(Date.now() + 1000);
    expect(await kindsOf(id)).toEqual(["monitor_down"]);
    expect(await stateOf(id)).toEqual({
      alert_status: "unknown",
      consecutive_failures: 0,
      incident_id: null,
      last_up: null,
    });
  });

  it("counts nothing of results landing while paused", async () => {
    const { id } = await downMonitor(Date.now() - 10 * MINUTE);
    await client.pauseMonitor({ id });
    await storeCheckResults(db.pool, resultsFixture(id, "dd", Date.now() - 5 * MINUTE));
    expect(await kindsOf(id)).toEqual(["monitor_down"]);
    expect((await incidentsOf(id)).every((i) => i.ended_at !== null)).toBe(true);
    expect(await stateOf(id)).toMatchObject({ alert_status: "unknown", incident_id: null });
  });

  it("lets the first results after resuming decide: UP without an alert", async () => {
    const { id } = await downMonitor(Date.now() - 10 * MINUTE);
    await client.pauseMonitor({ id });
    const { monitor } = await client.resumeMonitor({ id });
    // Not the DOWN it was before the pause: nothing is known until a check lands.
    expect(monitor?.status).toBe(MonitorStatus.PENDING);
    await storeCheckResults(db.pool, resultsFixture(id, "u", Date.now() - MINUTE));
    expect((await client.getMonitor({ id })).monitor?.status).toBe(MonitorStatus.UP);
    // No RECOVERED either: the incident it would close was ended by the pause.
    expect(await kindsOf(id)).toEqual(["monitor_down"]);
  });

  it("lets the first results after resuming decide: DOWN again, in a new incident", async () => {
    const { id, incidentId } = await downMonitor(Date.now() - 10 * MINUTE);
    await client.pauseMonitor({ id });
    await client.resumeMonitor({ id });
    await storeCheckResults(db.pool, resultsFixture(id, "d", Date.now() - MINUTE));
    expect(await kindsOf(id)).toEqual(["monitor_down", "monitor_down"]);
    const incidents = await incidentsOf(id);
    expect(incidents.map((i) => [i.id === incidentId, i.ended_at === null])).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it("ends the incident too when an update pauses the monitor", async () => {
    const { id } = await downMonitor(Date.now() - 10 * MINUTE);
    await client.updateMonitor({
      id,
      monitor: { name: "Checkout", url: "https://example.com/", confirmations: 1, enabled: false },
    });
    expect((await incidentsOf(id)).every((i) => i.ended_at !== null)).toBe(true);
    expect(await stateOf(id)).toMatchObject({ alert_status: "unknown", incident_id: null });
  });

  it("leaves no open incident behind a deleted DOWN monitor", async () => {
    const { id } = await downMonitor(Date.now() - 10 * MINUTE);
    await client.deleteMonitor({ id });
    // Its incidents go with it (ON DELETE CASCADE); its alert events stay, as history.
    expect(await incidentsOf(id)).toEqual([]);
    expect(await kindsOf(id)).toEqual(["monitor_down"]);
  });
});
