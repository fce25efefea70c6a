import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertKind } from "../../../gen/pulsar/v1/alert_pb.js";
import { createTestOrg } from "../../../test/support/accounts.js";
import { eventually } from "../../../test/support/eventually.js";
import { resultFixture, specFixture } from "../../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { createRedis } from "../../redis/redis.js";
import { createStreamPublisher } from "../../stream/publisher.js";
import { streamChannel } from "../../stream/topics.js";
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
      subscriber.on("pmessageBuffer", (_pattern: Buffer, channel: Buffer) =>
        channels.push(channel.toString()),
      );
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
      expect(channels.filter((c) => !c.endsWith(":marker")).sort()).toEqual(
        [
          streamChannel(prefix, acme, "monitor", ours),
          streamChannel(prefix, globex, "monitor", theirs),
        ].sort(),
      );
    } finally {
      redis.disconnect();
      subscriber.disconnect();
    }
  });
});
