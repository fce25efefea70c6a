// Monitor.region_states as ListMonitorsPage and GetMonitor read them from monitor_region_state
// (written by the real store path), and as ListMonitors sends them.
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type Monitor,
  MonitorService,
  type RegionState,
  RegionStateSchema,
} from "../../../gen/pulsar/v1/monitor_pb.js";
import { createTestOrg, type TestOrg } from "../../../test/support/accounts.js";
import { callerClient } from "../../../test/support/caller-client.js";
import { MINUTE, resultFixture, specFixture } from "../../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { silentLogger } from "../../core/logger.js";
import { createMonitorService } from "../../service/monitor-service.js";
import { storeCheckResults } from "../results/store-check-results.js";
import {
  getMonitor,
  insertMonitor,
  listMonitorsPage,
  setMonitorEnabled,
  updateMonitor,
} from "./monitors.js";

let db: TestDatabase;
let org: TestOrg;

beforeAll(async () => {
  db = await createTestDatabase();
  org = await createTestOrg(db.pool, "Acme");
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors, check_results CASCADE");
});

/** check stores one result of a monitor from a region, through the workers' store path. */
const check = (monitorId: string, region: string, atMs: number, up: boolean) =>
  storeCheckResults(db.pool, [{ ...resultFixture({ monitorId, checkedAtMs: atMs, up }), region }]);

const state = (region: string, up: boolean, silent: boolean, atMs?: number): RegionState =>
  create(RegionStateSchema, {
    region,
    up,
    silent,
    checkedAt: atMs === undefined ? undefined : timestampFromMs(atMs),
  });

const listed = async (id: string, now?: Date): Promise<Monitor | undefined> =>
  (await listMonitorsPage(db.pool, org.orgId, { limit: 100 }, now)).monitors.find(
    (m) => m.id === id,
  );

describe("a monitor's region states", () => {
  it("lists each region of a monitor of several in its order, up or down, silent without a result", async () => {
    const { id } = await insertMonitor(
      db.pool,
      org.orgId,
      specFixture({ regions: ["us-east", "eu-west", "ap-south"], intervalSeconds: 60 }),
    );
    const t0 = Date.now();
    // Stored in another order than the monitor's; ap-south never reports.
    await check(id, "eu-west", t0 - 30_000, true);
    await check(id, "us-east", t0 - 10_000, false);

    const expected = [
      state("us-east", false, false, t0 - 10_000),
      state("eu-west", true, false, t0 - 30_000),
      state("ap-south", false, true),
    ];
    expect((await getMonitor(db.pool, org.orgId, id))?.regionStates).toEqual(expected);
    expect((await listed(id))?.regionStates).toEqual(expected);
  });

  it("shows a region silent once its latest result is older than two intervals at the caller's now", async () => {
    const { id } = await insertMonitor(
      db.pool,
      org.orgId,
      specFixture({ regions: ["a", "b"], intervalSeconds: 60 }),
    );
    const t0 = Date.now();
    await check(id, "a", t0 - 3 * MINUTE, true);
    await check(id, "b", t0 - 90_000, false);
    // a is older than 2 × 60 s; b is not, yet.
    expect((await listed(id))?.regionStates).toEqual([
      state("a", true, true, t0 - 3 * MINUTE),
      state("b", false, false, t0 - 90_000),
    ]);
    // Seen 31 s later, b is past two intervals too; what each region said last is kept.
    const later = new Date(t0 + 31_000);
    expect((await getMonitor(db.pool, org.orgId, id, later))?.regionStates).toEqual([
      state("a", true, true, t0 - 3 * MINUTE),
      state("b", false, true, t0 - 90_000),
    ]);
    expect((await listed(id, later))?.regionStates.map((r) => r.silent)).toEqual([true, true]);
  });

  it("has none for a monitor of one region or of the default region, checked or not", async () => {
    const one = await insertMonitor(db.pool, org.orgId, specFixture({ regions: ["eu-west"] }));
    const byDefault = await insertMonitor(db.pool, org.orgId, specFixture({ regions: [] }));
    expect(one.regionStates).toEqual([]);
    const t0 = Date.now();
    await check(one.id, "eu-west", t0 - 10_000, true);
    await check(byDefault.id, "local", t0 - 10_000, false);

    for (const id of [one.id, byDefault.id]) {
      expect((await getMonitor(db.pool, org.orgId, id))?.regionStates).toEqual([]);
      expect((await listed(id))?.regionStates).toEqual([]);
    }
  });

  it("follows the regions as edited, and is returned by create, update and pause too", async () => {
    const created = await insertMonitor(
      db.pool,
      org.orgId,
      specFixture({ regions: ["a", "b"], intervalSeconds: 60 }),
    );
    // Created: nothing has checked it yet.
    expect(created.regionStates).toEqual([state("a", false, true), state("b", false, true)]);
    const t0 = Date.now();
    await check(created.id, "a", t0 - 10_000, true);
    await check(created.id, "b", t0 - 10_000, false);

    // b dropped, c added: b's row is not shown, c has no result yet.
    const updated = await updateMonitor(
      db.pool,
      org.orgId,
      created.id,
      specFixture({ regions: ["c", "a"], intervalSeconds: 60 }),
    );
    const edited = [state("c", false, true), state("a", true, false, t0 - 10_000)];
    expect(updated?.regionStates).toEqual(edited);
    expect((await setMonitorEnabled(db.pool, org.orgId, created.id, false))?.regionStates).toEqual(
      edited,
    );

    // Down to one region: none.
    const single = await updateMonitor(
      db.pool,
      org.orgId,
      created.id,
      specFixture({ regions: ["a"] }),
    );
    expect(single?.regionStates).toEqual([]);
  });

  it("reaches a client of ListMonitors and GetMonitor", async () => {
    const client = callerClient(
      MonitorService,
      createMonitorService({
        pool: db.pool,
        scheduler: { schedule: async () => {}, unschedule: async () => {} },
        log: silentLogger,
      }),
      org.caller,
    );
    const several = await insertMonitor(
      db.pool,
      org.orgId,
      specFixture({ name: "several", regions: ["a", "b"] }),
    );
    const one = await insertMonitor(db.pool, org.orgId, specFixture({ name: "one" }));
    const t0 = Date.now();
    await check(several.id, "b", t0 - 5_000, false);

    const { monitors } = await client.listMonitors({});
    const expected = [state("a", false, true), state("b", false, false, t0 - 5_000)];
    expect(monitors.find((m) => m.id === several.id)?.regionStates).toEqual(expected);
    expect(monitors.find((m) => m.id === one.id)?.regionStates).toEqual([]);
    expect((await client.getMonitor({ id: several.id })).monitor?.regionStates).toEqual(expected);
  });
});
