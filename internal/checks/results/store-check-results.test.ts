import { fromBinary } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertKind } from "../../../gen/pulsar/v1/alert_pb.js";
import { StreamEventBatchSchema } from "../../../gen/pulsar/v1/stream_pb.js";
import { createTestOrg } from "../../../test/support/accounts.js";
import { alertEventsOf } from "../../../test/support/alert-fixtures.js";
import { eventually } from "../../../test/support/eventually.js";
import { MINUTE, resultFixture, specFixture } from "../../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { createRedis } from "../../redis/redis.js";
import { createStreamPublisher } from "../../stream/publisher.js";
import { checkBatchChannel } from "../../stream/topics.js";
import { deleteMonitor, insertMonitor } from "../monitors/monitors.js";
import { ownersOf, storeCheckResults } from "./store-check-results.js";

let db: TestDatabase;
let acme: string;
let globex: string;

beforeAll(async () => {
  db = await createTestDatabase();
  acme = (await createTestOrg(db.pool, "Acme")).orgId;
  globex = (await createTestOrg(db.pool, "Globex")).orgId;
});
afterAll(async () => {
  await db.drop();
});

/** fourMonitors creates an up monitor of Acme's, a down-at-once one of Globex's, one nobody owns
 *  and one deleted since, and a batch with a result of each. */
async function fourMonitors() {
  const ours = (await insertMonitor(db.pool, acme, specFixture())).id;
  const theirs = (await insertMonitor(db.pool, globex, specFixture({ confirmations: 1 }))).id;
  const nobodys = (await insertMonitor(db.pool, acme, specFixture())).id;
  await db.pool.query("UPDATE monitors SET org_id = NULL WHERE id = $1", [nobodys]);
  const deleted = (await insertMonitor(db.pool, acme, specFixture())).id;
  await deleteMonitor(db.pool, acme, deleted);
  const now = Date.now();
  const batch = [
    resultFixture({ monitorId: ours, checkedAtMs: now - 1000 }),
    resultFixture({ monitorId: theirs, checkedAtMs: now - 1000, up: false }),
    resultFixture({ monitorId: nobodys, checkedAtMs: now - 1000 }),
    resultFixture({ monitorId: deleted, checkedAtMs: now - 1000 }),
  ];
  return { ours, theirs, nobodys, deleted, batch };
}

describe("storing a batch of check results", () => {
  it("saves a status whose text holds quotes, backslashes, braces, commas and NULL exactly", async () => {
    // The status columns go to Postgres as array literals built by us (array-literal.ts).
    const id = (await insertMonitor(db.pool, acme, specFixture({ confirmations: 2 }))).id;
    const error = 'said "no" \\ {a,b} NULL, \\"';
    const result = resultFixture({ monitorId: id, checkedAtMs: Date.now() - 500, up: false });
    result.error = error;
    await storeCheckResults(db.pool, [result]);
    const { rows } = await db.pool.query<{ streak_error: string; error: string }>(
      `SELECT streak_error, last_result->>'error' AS error FROM monitor_state WHERE monitor_id = $1`,
      [id],
    );
    expect(rows).toEqual([{ streak_error: error, error }]);
  });

  it("returns each monitor's organization and new status, and nothing of a deleted monitor", async () => {
    const { ours, theirs, nobodys, deleted, batch } = await fourMonitors();
    const stored = await storeCheckResults(db.pool, batch);

    expect(stored.monitors).toEqual(
      new Map([
        [ours, { orgId: acme, status: "up" }],
        [theirs, { orgId: globex, status: "down" }],
        // Nobody's monitor is never alerting: its status stays unknown.
        [nobodys, { orgId: null, status: "unknown" }],
      ]),
    );
    expect(stored.alertEvents.map((a) => [a.orgId, a.event.monitorId, a.event.kind])).toEqual([
      [globex, theirs, AlertKind.MONITOR_DOWN],
    ]);
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM check_results WHERE monitor_id = $1",
      [deleted],
    );
    expect(rows[0]?.n).toBe(0);
  });

  it("publishes each result to the organization its transaction returned, a deleted or unowned monitor's nowhere", async () => {
    const prefix = uniquePrefix("store-publish");
    const redis: Redis = createRedis(TEST_REDIS_URL, "command", "store-publish");
    const subscriber: Redis = createRedis(TEST_REDIS_URL, "command", "store-publish-sub");
    try {
      const channels: string[] = [];
      const topics = new Map<string, string[]>();
      subscriber.on("pmessageBuffer", (_pattern: Buffer, channel: Buffer, message: Buffer) => {
        channels.push(channel.toString());
        if (channel.toString().endsWith(":marker")) return;
        const { events } = fromBinary(StreamEventBatchSchema, message);
        topics.set(
          channel.toString(),
          events.map((e) => e.topic),
        );
      });
      await subscriber.psubscribe(`${prefix}:stream:*`);
      const { ours, theirs, batch } = await fourMonitors();
      const stored = await storeCheckResults(db.pool, batch);
      await createStreamPublisher(redis, prefix).publishCheckResults(
        batch,
        ownersOf(stored.monitors),
      );
      // A marker published last on the same connection: once it is in, so is everything else.
      await redis.publish(`${prefix}:stream:marker`, "");
      await eventually(() => channels.includes(`${prefix}:stream:marker`), {
        what: "the marker published after the results",
      });
      // One batch per organization, holding only that organization's results.
      expect(channels.filter((c) => !c.endsWith(":marker")).sort()).toEqual(
        [checkBatchChannel(prefix, acme), checkBatchChannel(prefix, globex)].sort(),
      );
      expect(topics.get(checkBatchChannel(prefix, acme))).toEqual([`monitor:${ours}`]);
      expect(topics.get(checkBatchChannel(prefix, globex))).toEqual([`monitor:${theirs}`]);
    } finally {
      redis.disconnect();
      subscriber.disconnect();
    }
  });
});

/** regionalMonitor creates an Acme monitor checked from `regions`, decided by `rule`. */
async function regionalMonitor(regions: string[], rule: string, confirmations = 1) {
  const id = (await insertMonitor(db.pool, acme, specFixture({ confirmations }))).id;
  await db.pool.query("UPDATE monitors SET regions = $2, region_rule = $3 WHERE id = $1", [
    id,
    regions,
    rule,
  ]);
  return id;
}

/** Each round of checks starts a minute (the fixtures' interval) after the one before. */
const roundAt = (round: number) => firstRoundMs + round * MINUTE;
const firstRoundMs = Date.now() - 30 * MINUTE;

/**
 * checkedIn stores one result of each region (a region's worker storing its own), a millisecond
 * apart in the order given: true for up, an error for down.
 */
async function checkedIn(
  monitorId: string,
  round: number,
  outcomes: Record<string, true | string>,
) {
  const stored = [];
  for (const [i, [region, outcome]] of Object.entries(outcomes).entries()) {
    const result = resultFixture({
      monitorId,
      checkedAtMs: roundAt(round) + i,
      up: outcome === true,
    });
    result.region = region;
    if (outcome !== true) result.error = outcome;
    stored.push(await storeCheckResults(db.pool, [result]));
  }
  return stored;
}

async function statusOf(monitorId: string) {
  const { rows } = await db.pool.query<{ alert_status: string; last_error: string | null }>(
    `SELECT alert_status, last_result->>'error' AS last_error FROM monitor_state
     WHERE monitor_id = $1`,
    [monitorId],
  );
  return rows[0];
}

async function regionRowsOf(monitorId: string) {
  const { rows } = await db.pool.query<{ region: string; last_up: boolean; error: string | null }>(
    `SELECT region, last_up, last_result->>'error' AS error FROM monitor_region_state
     WHERE monitor_id = $1 ORDER BY region`,
    [monitorId],
  );
  return rows;
}

const allUp = { a: true, b: true, c: true } as const;

describe("storing results of a monitor checked from several regions", () => {
  for (const confirmations of [1, 2]) {
    it(`keeps a majority monitor up with one region failing and alerts once, naming both, when two fail (confirmations ${confirmations})`, async () => {
      const id = await regionalMonitor(["a", "b", "c"], "majority", confirmations);
      await checkedIn(id, 0, allUp);
      await checkedIn(id, 1, { a: "HTTP 503 from a", b: true, c: true });
      await checkedIn(id, 2, { a: "HTTP 503 from a", b: true, c: true });
      expect((await statusOf(id))?.alert_status).toBe("up");
      expect(await alertEventsOf(db.pool, id)).toEqual([]);

      await checkedIn(id, 3, { a: "HTTP 503 from a", b: "connection refused", c: true });
      await checkedIn(id, 4, { a: "HTTP 503 from a", b: "connection refused", c: true });
      expect((await statusOf(id))?.alert_status).toBe("down");
      const events = await alertEventsOf(db.pool, id);
      expect(events.map((e) => e.kind)).toEqual(["monitor_down"]);
      expect(events[0]?.message).toContain(
        "Error: down in a, b (2 of 3 regions) — a: HTTP 503 from a; b: connection refused",
      );
      // The stored results stay as checked: region c's was up.
      const { rows } = await db.pool.query<{ region: string; up: boolean }>(
        "SELECT region, up FROM check_results WHERE monitor_id = $1 AND checked_at >= $2",
        [id, new Date(roundAt(3))],
      );
      expect(rows.filter((r) => r.up).map((r) => r.region)).toEqual(["c", "c"]);
      expect(await regionRowsOf(id)).toEqual([
        { region: "a", last_up: false, error: "HTTP 503 from a" },
        { region: "b", last_up: false, error: "connection refused" },
        { region: "c", last_up: true, error: null },
      ]);
    });
  }

  it("takes an `any` monitor down when one region fails", async () => {
    const id = await regionalMonitor(["a", "b", "c"], "any");
    await checkedIn(id, 0, allUp);
    const [, , last] = await checkedIn(id, 1, { a: true, b: "timeout", c: true });
    expect(last?.monitors.get(id)?.status).toBe("down");
    const events = await alertEventsOf(db.pool, id);
    expect(events.map((e) => e.kind)).toEqual(["monitor_down"]);
    expect(events[0]?.message).toContain("Error: down in b (1 of 3 regions) — b: timeout");
  });

  it("keeps an `all` monitor up until every region fails", async () => {
    const id = await regionalMonitor(["a", "b", "c"], "all");
    await checkedIn(id, 0, allUp);
    await checkedIn(id, 1, { a: "x", b: "y", c: true });
    expect((await statusOf(id))?.alert_status).toBe("up");
    await checkedIn(id, 2, { a: "x", b: "y", c: "z" });
    expect((await statusOf(id))?.alert_status).toBe("down");
    expect((await alertEventsOf(db.pool, id)).map((e) => e.kind)).toEqual(["monitor_down"]);
  });

  it("does not count a silent region's vote: its last result is older than two intervals", async () => {
    const id = await regionalMonitor(["a", "b", "c"], "majority");
    await checkedIn(id, 0, { a: true, b: true, c: "stale failure" });
    // Region c checks no more: over two intervals on, a alone failing is one of two votes.
    await checkedIn(id, 1, { a: true, b: true });
    await checkedIn(id, 2, { a: true, b: true });
    await checkedIn(id, 3, { a: "HTTP 503", b: true });
    expect((await statusOf(id))?.alert_status).toBe("up");
    await checkedIn(id, 4, { a: "HTTP 503", b: "HTTP 502" });
    expect((await statusOf(id))?.alert_status).toBe("down");
    const [down] = await alertEventsOf(db.pool, id);
    expect(down?.message).toContain(
      "Error: down in a, b (2 of 2 regions, silent: c) — a: HTTP 503; b: HTTP 502",
    );
    expect(down?.message).not.toContain("stale failure");
  });

  it("changes nothing for a result of a region the monitor is not checked from", async () => {
    const id = await regionalMonitor(["a", "b", "c"], "any");
    await checkedIn(id, 0, allUp);
    const before = await db.pool.query("SELECT * FROM monitor_state WHERE monitor_id = $1", [id]);
    const [stored] = await checkedIn(id, 1, { z: "HTTP 500 from z" });
    expect(stored?.monitors.get(id)?.status).toBe("up");
    const after = await db.pool.query("SELECT * FROM monitor_state WHERE monitor_id = $1", [id]);
    expect(after.rows).toEqual(before.rows);
    expect((await regionRowsOf(id)).map((r) => r.region)).toEqual(["a", "b", "c"]);
    // Still stored, as checked.
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM check_results WHERE monitor_id = $1 AND region = 'z'",
      [id],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it("recovers without naming a region still failing: the monitor's last result carries no error", async () => {
    const id = await regionalMonitor(["a", "b", "c"], "majority");
    await checkedIn(id, 0, allUp);
    await checkedIn(id, 1, { a: "HTTP 503 from a", b: "HTTP 503 from b", c: true });
    await checkedIn(id, 2, { a: "HTTP 503 from a", b: true, c: true });
    expect((await statusOf(id))?.alert_status).toBe("up");
    expect((await statusOf(id))?.last_error).toBeNull();
    const events = await alertEventsOf(db.pool, id);
    expect(events.map((e) => e.kind)).toEqual(["monitor_down", "monitor_recovered"]);
    const recovered = events[1]?.message ?? "";
    // The incident's cause, once; nothing says the monitor is failing now.
    expect(recovered).toContain("Cause: down in a, b (2 of 3 regions)");
    expect(recovered.split("HTTP 503 from a")).toHaveLength(2);
    expect((await regionRowsOf(id)).find((r) => r.region === "a")?.last_up).toBe(false);
  });

  it("keeps every region's result of a slot when they were checked in the same millisecond", async () => {
    const id = await regionalMonitor(["a", "b", "c"], "majority");
    const batch = ["a", "b"].map((region) => {
      const result = resultFixture({ monitorId: id, checkedAtMs: roundAt(0) });
      result.region = region;
      return result;
    });
    await storeCheckResults(db.pool, batch);
    const { rows } = await db.pool.query<{ region: string }>(
      "SELECT region FROM check_results WHERE monitor_id = $1 ORDER BY region",
      [id],
    );
    expect(rows.map((row) => row.region)).toEqual(["a", "b"]);
    const { rows: rollups } = await db.pool.query<{ checks: number }>(
      "SELECT checks FROM check_rollups_hourly WHERE monitor_id = $1",
      [id],
    );
    expect(rollups).toEqual([{ checks: 2 }]);
  });

  it("decides at once on votes that land after another region's newer result", async () => {
    const id = await regionalMonitor(["a", "b", "c"], "majority");
    await checkedIn(id, 0, allUp);
    // Round 1: b's batch lands first; a's and c's failures, checked a few ms before it, after.
    await checkedIn(id, 1, { b: true });
    const late = ["a", "c"].map((region, i) => {
      const result = resultFixture({ monitorId: id, checkedAtMs: roundAt(1) - 10 + i, up: false });
      result.region = region;
      result.error = `HTTP 503 from ${region}`;
      return result;
    });
    const stored = await storeCheckResults(db.pool, late);
    // Not an interval later, at round 2: now.
    expect(stored.monitors.get(id)?.status).toBe("down");
    const events = await alertEventsOf(db.pool, id);
    expect(events.map((e) => e.kind)).toEqual(["monitor_down"]);
    expect(events[0]?.message).toContain("down in a, c (2 of 3 regions)");
    // Stamped just after b's result, the newest counted.
    const { rows } = await db.pool.query<{ last_checked_at: Date }>(
      "SELECT last_checked_at FROM monitor_state WHERE monitor_id = $1",
      [id],
    );
    expect(rows[0]?.last_checked_at.getTime()).toBe(roundAt(1));
    // A late result that moves no vote on (its region has a newer one) decides nothing.
    const stale = resultFixture({ monitorId: id, checkedAtMs: roundAt(1) - 20, up: true });
    stale.region = "b";
    await storeCheckResults(db.pool, [stale]);
    expect(await statusOf(id)).toMatchObject({ alert_status: "down" });
    expect((await alertEventsOf(db.pool, id)).map((e) => e.kind)).toEqual(["monitor_down"]);
  });

  it("decides a batch holding every region's results in the order they were checked", async () => {
    const id = await regionalMonitor(["a", "b", "c"], "majority");
    await checkedIn(id, 0, allUp);
    const batch = ["a", "b", "c"].map((region, i) => {
      const result = resultFixture({ monitorId: id, checkedAtMs: roundAt(1) + i, up: i === 2 });
      result.region = region;
      return result;
    });
    const stored = await storeCheckResults(db.pool, batch.reverse());
    expect(stored.monitors.get(id)?.status).toBe("down");
    expect((await alertEventsOf(db.pool, id)).map((e) => e.kind)).toEqual(["monitor_down"]);
  });

  it("never moves a region's latest result back to an older one", async () => {
    const id = await regionalMonitor(["a", "b", "c"], "majority");
    await checkedIn(id, 2, { a: true });
    await checkedIn(id, 1, { a: "older failure" });
    expect(await regionRowsOf(id)).toEqual([{ region: "a", last_up: true, error: null }]);
  });

  it("decides a monitor of one region by its results as before, whichever region they name, and keeps no region rows", async () => {
    const id = await regionalMonitor(["a"], "all");
    await checkedIn(id, 0, { a: true });
    await checkedIn(id, 1, { elsewhere: "status 503" });
    expect(await statusOf(id)).toEqual({ alert_status: "down", last_error: "status 503" });
    const [down] = await alertEventsOf(db.pool, id);
    expect(down?.message).toContain("Error: status 503");
    // Nothing votes: its latest result is monitor_state's (GetMonitor shows it for its region).
    expect(await regionRowsOf(id)).toEqual([]);
  });
});
