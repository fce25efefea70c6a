import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg, type TestOrg } from "../../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { hostSample } from "../../../test/support/stream-clients.js";
import { silentLogger } from "../../core/logger.js";
import { createRedis } from "../../redis/redis.js";
import { createStreamPublisher } from "../../stream/publisher.js";
import { hostRingKey, SHARED_SCOPE } from "../../stream/topics.js";
import { loadReplay, type ReplayDeps, replayPages } from "./replay.js";

let db: TestDatabase;
let redis: Redis;
let deps: ReplayDeps;
let orgA: TestOrg;
let orgB: TestOrg;
const prefix = uniquePrefix("replay");
const CHECKED_AT = "2026-11-24T12:00:00Z";

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "replay-test");
  deps = { pool: db.pool, redis, prefix, log: silentLogger };
  [orgA, orgB] = [await createTestOrg(db.pool, "A"), await createTestOrg(db.pool, "B")];
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await db.drop();
});

/**
 * insertMonitors adds n monitors of an organization in one statement, each with a last result
 * except every seventh (never checked); returns the ids in creation order.
 */
async function insertMonitors(orgId: string, n: number): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>(
    `WITH m AS (
       INSERT INTO monitors (org_id, name, url, interval_seconds, timeout_ms, expected_status)
       SELECT $1, 'm' || g, 'https://example.com/', 60, 1000, '[]'::jsonb
       FROM generate_series(1, $2::integer) g
       RETURNING id, seq
     ), s AS (
       INSERT INTO monitor_state (monitor_id, last_checked_at, last_up, last_result)
       SELECT id, $3::timestamptz, true,
         CASE WHEN seq % 7 = 0 THEN NULL
           ELSE jsonb_build_object('monitorId', id, 'checkedAt', $4::text, 'up', true) END
       FROM m
     )
     SELECT id FROM m ORDER BY seq`,
    [orgId, n, CHECKED_AT, CHECKED_AT],
  );
  return rows.map((row) => row.id);
}

describe("the stream's replays", () => {
  it("replays every checked monitor of the organization in creation order, over several pages", async () => {
    const ids = await insertMonitors(orgA.orgId, 1203);
    await insertMonitors(orgB.orgId, 5);
    const checked = (
      await db.pool.query<{ id: string }>(
        "SELECT m.id FROM monitors m JOIN monitor_state s ON s.monitor_id = m.id WHERE m.org_id = $1 AND s.last_result IS NOT NULL ORDER BY m.seq",
        [orgA.orgId],
      )
    ).rows.map((row) => row.id);
    expect(checked.length).toBeLessThan(ids.length);

    const pages = [];
    for await (const page of replayPages(deps, { kind: "monitors" }, replayScope(orgA))) {
      pages.push(page);
    }
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const replayed = pages.flatMap((page) =>
      page.payloads.map((p) => (p.case === "checkResult" ? p.value.monitorId : "?")),
    );
    expect(replayed).toEqual(checked);
    const whole = await loadReplay(deps, { kind: "monitors" }, replayScope(orgA));
    expect(whole.marks.size).toBe(checked.length);
    expect(whole.marks.get(`monitor:${checked[0]}`)).toBe(Date.parse(CHECKED_AT));
  });

  it("replays nothing for another organization's monitor, or one never checked", async () => {
    await insertMonitors(orgA.orgId, 7);
    const { rows } = await db.pool.query<{ id: string; checked: boolean }>(
      `SELECT m.id, s.last_result IS NOT NULL AS checked
       FROM monitors m JOIN monitor_state s ON s.monitor_id = m.id WHERE m.org_id = $1`,
      [orgA.orgId],
    );
    const mine = rows.find((row) => row.checked)?.id;
    const never = rows.find((row) => !row.checked)?.id;
    if (!mine || !never) throw new Error("no monitors inserted");
    const own = await loadReplay(deps, { kind: "monitor", id: mine }, replayScope(orgA));
    expect(own.payloads).toHaveLength(1);
    for (const [id, org] of [
      [mine, orgB],
      [never, orgA],
    ] as const) {
      const replay = await loadReplay(deps, { kind: "monitor", id }, replayScope(org));
      expect(replay.payloads).toEqual([]);
    }
  });

  it("skips a host whose ring has expired and pages through many hosts in order", async () => {
    const publisher = createStreamPublisher(redis, prefix);
    const hostIds = Array.from({ length: 23 }, (_, i) => `h${String(i).padStart(2, "0")}`);
    for (const id of hostIds)
      await publisher.publishHostSample(hostSample(id, Date.now()), undefined);
    // The ring of h05 expires (its TTL); the hosts set still lists it.
    await redis.del(hostRingKey(prefix, SHARED_SCOPE, "h05"));
    const scope = { orgId: orgA.orgId, scopes: [orgA.orgId, SHARED_SCOPE] };
    const replay = await loadReplay(deps, { kind: "hosts" }, scope);
    expect(replay.payloads.map((p) => (p.case === "hostSample" ? p.value.hostId : "?"))).toEqual(
      hostIds.filter((id) => id !== "h05"),
    );
    expect(replay.marks.has("host:h05")).toBe(false);
    const expired = await loadReplay(deps, { kind: "host", id: "h05" }, scope);
    expect(expired.payloads).toEqual([]);
  });
});

function replayScope(org: TestOrg) {
  return { orgId: org.orgId, scopes: [org.orgId] };
}
