import { create, type MessageInitShape, toJson } from "@bufbuild/protobuf";
import { Code, type createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CheckResultSchema } from "../../gen/pulsar/v1/check_pb.js";
import { MonitorService, MonitorSpecSchema, RegionRule } from "../../gen/pulsar/v1/monitor_pb.js";
import { createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { callerClient } from "../../test/support/caller-client.js";
import { resultFixture } from "../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { refusal } from "../../test/support/refusal.js";
import type { MonitorSchedule } from "../checks/queue/check-queue.js";
import { storeCheckResults } from "../checks/results/store-check-results.js";
import { silentLogger } from "../core/logger.js";
import { createMonitorService } from "./monitor-service.js";

// MonitorSpec.regions and regionRule through MonitorService: validated, stored, returned with
// the installation's default region filled in, and GetMonitor's latest result of each region.

const DEFAULT_REGION = "eu-central";
const NOW = new Date("2026-12-07T12:00:00Z");

let db: TestDatabase;
let org: TestOrg;
let client: ReturnType<typeof createClient<typeof MonitorService>>;
const scheduled: MonitorSchedule[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  org = await createTestOrg(db.pool, "Acme");
  const service = createMonitorService({
    pool: db.pool,
    scheduler: {
      schedule: async (schedule) => {
        scheduled.push(schedule);
      },
      unschedule: async () => {},
    },
    log: silentLogger,
    defaultRegion: DEFAULT_REGION,
    now: () => NOW,
  });
  client = callerClient(MonitorService, service, org.caller);
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors CASCADE");
  scheduled.length = 0;
});

type SpecFields = Omit<MessageInitShape<typeof MonitorSpecSchema>, "$typeName">;
const http = (fields: SpecFields = {}) =>
  create(MonitorSpecSchema, { name: "Checkout", url: "https://example.com/", ...fields });

const storedRegions = async (id: string) =>
  (
    await db.pool.query<{ regions: string[]; region_rule: string }>(
      "SELECT regions, region_rule FROM monitors WHERE id = $1",
      [id],
    )
  ).rows[0];

const countMonitors = async () =>
  (await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM monitors")).rows[0]?.n;

/** A service whose workers have served regions a and b only (cmd/api passes the known set). */
function servedClient() {
  const service = createMonitorService({
    pool: db.pool,
    scheduler: { schedule: async () => {}, unschedule: async () => {} },
    log: silentLogger,
    defaultRegion: DEFAULT_REGION,
    servedRegions: async () => ["a", "b"],
    now: () => NOW,
  });
  return callerClient(MonitorService, service, org.caller);
}

describe("regions no worker serves", () => {
  it("are refused on create and update, naming the field, and nothing is stored", async () => {
    const served = servedClient();
    await expect(served.createMonitor({ monitor: http({ regions: ["a", "c"] }) })).rejects.toThrow(
      `[invalid_argument] monitor.regions[1] names region "c", which no worker or probe serves (regions: a, b, ${DEFAULT_REGION})`,
    );
    expect(await countMonitors()).toBe(0);
    // The served ones and the default region are accepted.
    const { monitor } = await served.createMonitor({
      monitor: http({ regions: ["b", DEFAULT_REGION] }),
    });
    await expect(
      served.updateMonitor({ id: monitor?.id ?? "", monitor: http({ regions: ["a", "c"] }) }),
    ).rejects.toThrow(/monitor\.regions\[1\] names region "c", which no worker or probe serves/);
    expect(await storedRegions(monitor?.id ?? "")).toEqual({
      regions: ["b", DEFAULT_REGION],
      region_rule: "majority",
    });
  });
});

describe("MonitorService regions", () => {
  it("stores the regions and rule given on create and update and returns them, the default region for none", async () => {
    const { monitor } = await client.createMonitor({
      monitor: http({ regions: ["us-east", "eu-west", "ap-1"], regionRule: RegionRule.ALL }),
    });
    const id = monitor?.id ?? "";
    const expected = { regions: ["us-east", "eu-west", "ap-1"], regionRule: RegionRule.ALL };
    expect(monitor).toMatchObject(expected);
    expect((await client.getMonitor({ id })).monitor).toMatchObject(expected);
    expect(await storedRegions(id)).toEqual({
      regions: ["us-east", "eu-west", "ap-1"],
      region_rule: "all",
    });
    expect(scheduled.at(-1)?.regions).toEqual(["us-east", "eu-west", "ap-1"]);

    const any = await client.updateMonitor({
      id,
      monitor: http({ regions: ["b"], regionRule: RegionRule.ANY }),
    });
    expect(any.monitor).toMatchObject({ regions: ["b"], regionRule: RegionRule.ANY });
    expect(await storedRegions(id)).toEqual({ regions: ["b"], region_rule: "any" });

    // None given: stored as none (the default region may change), shown as the default one.
    const none = await client.updateMonitor({ id, monitor: http() });
    const resolved = { regions: [DEFAULT_REGION], regionRule: RegionRule.MAJORITY };
    expect(none.monitor).toMatchObject(resolved);
    expect(await storedRegions(id)).toEqual({ regions: [], region_rule: "majority" });
    expect(scheduled.at(-1)?.regions).toEqual([]);
    expect((await client.getMonitor({ id })).monitor).toMatchObject(resolved);
    expect((await client.listMonitors({})).monitors[0]).toMatchObject(resolved);
    expect((await client.pauseMonitor({ id })).monitor).toMatchObject(resolved);
    expect((await client.resumeMonitor({ id })).monitor).toMatchObject(resolved);

    const majority = await client.updateMonitor({
      id,
      monitor: http({ regions: ["a", "b"], regionRule: RegionRule.MAJORITY }),
    });
    expect(majority.monitor).toMatchObject({
      regions: ["a", "b"],
      regionRule: RegionRule.MAJORITY,
    });
  });

  it("refuses each invalid regions or rule naming the field, and stores nothing", async () => {
    const { monitor } = await client.createMonitor({
      monitor: http({ regions: ["keep"], regionRule: RegionRule.ANY }),
    });
    const id = monitor?.id ?? "";
    const eleven = Array.from({ length: 11 }, (_, i) => `r${i}`);
    const cases: [SpecFields, string][] = [
      [{ regions: eleven }, "monitor.regions must have at most 10 regions"],
      [
        { regions: ["a", "b", "Bad_Name"] },
        "monitor.regions[2] must be 1–63 of a–z, 0–9 and '-', starting with a letter or digit",
      ],
      [
        { regions: ["a", "-b"] },
        "monitor.regions[1] must be 1–63 of a–z, 0–9 and '-', starting with a letter or digit",
      ],
      [{ regions: ["a", "b", "a"] }, 'monitor.regions[2] repeats region "a"'],
      [
        { regionRule: 9 as RegionRule },
        "monitor.regionRule must be REGION_RULE_ANY, REGION_RULE_MAJORITY or REGION_RULE_ALL",
      ],
    ];
    for (const [fields, message] of cases) {
      expect(await refusal(client.createMonitor({ monitor: http(fields) }))).toEqual([
        Code.InvalidArgument,
        message,
      ]);
      expect(await refusal(client.updateMonitor({ id, monitor: http(fields) }))).toEqual([
        Code.InvalidArgument,
        message,
      ]);
    }
    const heartbeat = create(MonitorSpecSchema, {
      name: "Nightly",
      heartbeat: { periodSeconds: 3600 },
      regions: ["a"],
    });
    const heartbeatRefusal = [
      Code.InvalidArgument,
      "monitor.regions must be empty for heartbeat monitors (pings come to the API)",
    ];
    expect(await refusal(client.createMonitor({ monitor: heartbeat }))).toEqual(heartbeatRefusal);
    expect(await refusal(client.updateMonitor({ id, monitor: heartbeat }))).toEqual(
      heartbeatRefusal,
    );

    expect(await countMonitors()).toBe(1);
    expect(await storedRegions(id)).toEqual({ regions: ["keep"], region_rule: "any" });
    expect(scheduled).toHaveLength(1);
  });

  it("returns each region's latest result in the monitor's order, silent when older than two intervals or missing", async () => {
    const { monitor } = await client.createMonitor({
      monitor: http({ regions: ["c", "a", "b", "d"], intervalSeconds: 30 }),
    });
    const id = monitor?.id ?? "";
    const state = async (region: string, agoMs: number, up: boolean) => {
      const result = resultFixture({ monitorId: id, checkedAtMs: NOW.getTime() - agoMs, up });
      result.region = region;
      await db.pool.query(
        `INSERT INTO monitor_region_state (monitor_id, region, last_checked_at, last_up, last_result)
         VALUES ($1, $2, $3, $4, $5)`,
        [id, region, new Date(NOW.getTime() - agoMs), up, toJson(CheckResultSchema, result)],
      );
    };
    // Two intervals of 30 s: a is just fresh, b just too old, c fresh and down, d never checked.
    await state("a", 60_000, true);
    await state("b", 60_001, true);
    await state("c", 5_000, false);
    // A region the monitor no longer lists is not shown.
    await state("gone", 1_000, true);

    const read = (await client.getMonitor({ id })).monitor;
    expect(
      read?.regionResults.map((r) => [r.region, r.silent, r.result?.up, r.result?.region]),
    ).toEqual([
      ["c", false, false, "c"],
      ["a", false, true, "a"],
      ["b", true, true, "b"],
      ["d", true, undefined, undefined],
    ]);
    expect(read?.regionResults[0]?.result?.statusCode).toBe(503);
    expect(read?.regionResults[0]?.result?.monitorId).toBe(id);
    // Only GetMonitor carries them.
    expect((await client.listMonitors({})).monitors[0]?.regionResults).toEqual([]);
  });

  it("reads each region's latest state and result in one statement, and they agree", async () => {
    const { monitor } = await client.createMonitor({ monitor: http({ regions: ["a", "b"] }) });
    const id = monitor?.id ?? "";
    const result = resultFixture({ monitorId: id, checkedAtMs: NOW.getTime() - 1000, up: false });
    result.region = "b";
    await db.pool.query(
      `INSERT INTO monitor_region_state (monitor_id, region, last_checked_at, last_up, last_result)
       VALUES ($1, 'b', $2, false, $3)`,
      [id, new Date(NOW.getTime() - 1000), toJson(CheckResultSchema, result)],
    );
    const spy = vi.spyOn(db.pool, "query");
    let read: Awaited<ReturnType<typeof client.getMonitor>>["monitor"];
    let texts: string[];
    try {
      read = (await client.getMonitor({ id })).monitor;
      texts = spy.mock.calls.map(([text]) =>
        typeof text === "string" ? text : JSON.stringify(text),
      );
    } finally {
      // Restoring also forgets the calls: they were read above.
      spy.mockRestore();
    }
    // pulsar_region_states (init.sql) reads monitor_region_state too.
    expect(texts.filter((t) => /monitor_region_state|pulsar_region_states/.test(t))).toHaveLength(
      1,
    );
    expect(read?.regionStates.map((r) => [r.region, r.up, r.silent])).toEqual([
      ["a", false, true],
      ["b", false, false],
    ]);
    expect(read?.regionResults.map((r) => [r.region, r.silent, r.result?.up])).toEqual([
      ["a", true, undefined],
      ["b", false, false],
    ]);
  });

  it("shows a monitor listing no regions as checked from the default region, with its result", async () => {
    const { monitor } = await client.createMonitor({ monitor: http() });
    const id = monitor?.id ?? "";
    const [unchecked] = (await client.getMonitor({ id })).monitor?.regionResults ?? [];
    expect(unchecked).toMatchObject({ region: DEFAULT_REGION, silent: true });
    expect(unchecked?.result).toBeUndefined();
    const result = resultFixture({ monitorId: id, checkedAtMs: NOW.getTime() - 1000 });
    result.region = DEFAULT_REGION;
    // Stored as a worker stores it: a monitor of one region keeps no region row, its region's
    // latest result is its own.
    await storeCheckResults(db.pool, [result]);
    const read = (await client.getMonitor({ id })).monitor;
    expect(read?.regions).toEqual([DEFAULT_REGION]);
    expect(read?.regionResults).toMatchObject([
      { region: DEFAULT_REGION, silent: false, result: { up: true, region: DEFAULT_REGION } },
    ]);
  });
});
