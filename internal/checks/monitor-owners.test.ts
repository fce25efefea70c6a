import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../../test/support/accounts.js";
import { specFixture } from "../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { createMonitorOwners } from "./monitor-owners.js";
import { deleteMonitor, insertMonitor } from "./monitors/monitors.js";
import { findMonitorOwners } from "./results/monitor-owners-db.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe("monitor owners", () => {
  it("maps each existing monitor to its organization and leaves out unknown or malformed ids", async () => {
    const [a, b] = [await createTestOrg(db.pool), await createTestOrg(db.pool)];
    const ma = await insertMonitor(db.pool, a.orgId, specFixture());
    const mb = await insertMonitor(db.pool, b.orgId, specFixture());
    const owners = await findMonitorOwners(db.pool, [ma.id, mb.id, randomUUID(), "not-a-uuid"]);
    expect(owners).toEqual(
      new Map([
        [ma.id, a.orgId],
        [mb.id, b.orgId],
      ]),
    );
  });

  it("looks a monitor up once, and a deleted one every time until it stops reporting", async () => {
    const org = await createTestOrg(db.pool);
    const kept = await insertMonitor(db.pool, org.orgId, specFixture());
    const gone = await insertMonitor(db.pool, org.orgId, specFixture());
    await deleteMonitor(db.pool, org.orgId, gone.id);
    const asked: string[][] = [];
    const cache = createMonitorOwners(async (ids) => {
      asked.push([...ids]);
      return findMonitorOwners(db.pool, ids);
    });
    expect(await cache.ownersOf([kept.id, gone.id])).toEqual(new Map([[kept.id, org.orgId]]));
    expect(await cache.ownersOf([kept.id])).toEqual(new Map([[kept.id, org.orgId]]));
    expect(await cache.ownersOf([kept.id, gone.id])).toEqual(new Map([[kept.id, org.orgId]]));
    expect(asked).toEqual([[kept.id, gone.id], [gone.id]]);
  });
});
