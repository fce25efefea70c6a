import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestOrg } from "../../test/support/accounts.js";
import { specFixture } from "../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { insertMonitor } from "../checks/monitors/monitors.js";
import { loadConfig } from "../config/config.js";
import { ResourceExhaustedError } from "../core/errors.js";
import {
  DEFAULT_ORG_QUOTAS,
  insertWithinQuota,
  orgQuotasFromConfig,
  QuotaExceededError,
} from "./org-quotas.js";
import { countOrgRows } from "./quotas-db.js";

let db: TestDatabase;
let org: string;
let otherOrg: string;

beforeAll(async () => {
  db = await createTestDatabase();
  org = (await createTestOrg(db.pool, "Acme")).orgId;
  otherOrg = (await createTestOrg(db.pool, "Globex")).orgId;
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors CASCADE");
});

/** addMonitor inserts one monitor of orgId within a monitors quota of `limit`. */
const addMonitor = (orgId: string, limit: number) =>
  insertWithinQuota(db.pool, { orgId, kind: "monitors", limit }, (tx) =>
    insertMonitor(tx, orgId, specFixture()),
  );

/** settle awaits every promise and sorts the outcomes into values and errors. */
async function settle<T>(calls: Promise<T>[]): Promise<{ stored: T[]; refused: unknown[] }> {
  const outcomes = await Promise.allSettled(calls);
  return {
    stored: outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : [])),
    refused: outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason] : [])),
  };
}

describe("insertWithinQuota", () => {
  it("stores exactly the limit when 20 inserts race for 5 places", async () => {
    const { stored, refused } = await settle(Array.from({ length: 20 }, () => addMonitor(org, 5)));
    expect(stored).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const error of refused) expect(error).toBeInstanceOf(QuotaExceededError);
    expect(await countOrgRows(db.pool, "monitors", org)).toBe(5);
  });

  it("leaves another organization's places alone, even while one is full and racing", async () => {
    for (let i = 0; i < 3; i++) await addMonitor(org, 3);
    const { stored, refused } = await settle([
      ...Array.from({ length: 10 }, () => addMonitor(org, 3)),
      ...Array.from({ length: 3 }, () => addMonitor(otherOrg, 3)),
    ]);
    expect(stored).toHaveLength(3);
    expect(refused).toHaveLength(10);
    expect(await countOrgRows(db.pool, "monitors", org)).toBe(3);
    expect(await countOrgRows(db.pool, "monitors", otherOrg)).toBe(3);
  });

  it("refuses at the limit naming it and its variable, without running the insert", async () => {
    await addMonitor(org, 1);
    let ran = false;
    const refused = insertWithinQuota(db.pool, { orgId: org, kind: "monitors", limit: 1 }, () => {
      ran = true;
      return Promise.resolve();
    });
    await expect(refused).rejects.toThrow(
      "this organization has reached its limit of 1 monitors (PULSAR_ORG_MAX_MONITORS)",
    );
    await expect(refused).rejects.toBeInstanceOf(ResourceExhaustedError);
    // A quota is not a rate: waiting does not help, so no retry-after is given.
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: undefined, limit: 1 });
    expect(ran).toBe(false);
  });

  it("counts every row a batch adds, refusing the batch that would pass the limit", async () => {
    await addMonitor(org, 4);
    const batch = (adding: number) =>
      insertWithinQuota(db.pool, { orgId: org, kind: "monitors", limit: 4, adding }, async (tx) => {
        for (let i = 0; i < adding; i++) await insertMonitor(tx, org, specFixture());
      });
    await expect(batch(4)).rejects.toBeInstanceOf(QuotaExceededError);
    await batch(3);
    expect(await countOrgRows(db.pool, "monitors", org)).toBe(4);
  });

  it("rolls back the whole insert when it fails part-way", async () => {
    const failing = insertWithinQuota(
      db.pool,
      { orgId: org, kind: "monitors", limit: 10 },
      async (tx) => {
        await insertMonitor(tx, org, specFixture());
        throw new Error("second insert failed");
      },
    );
    await expect(failing).rejects.toThrow("second insert failed");
    expect(await countOrgRows(db.pool, "monitors", org)).toBe(0);
  });
});

describe("orgQuotasFromConfig", () => {
  it("gives the documented defaults when nothing is set, and each variable's value when set", () => {
    expect(orgQuotasFromConfig(loadConfig({}))).toEqual(DEFAULT_ORG_QUOTAS);
    expect(
      orgQuotasFromConfig(loadConfig({ PULSAR_ORG_MAX_MONITORS: "7", PULSAR_ORG_MAX_HOSTS: "9" })),
    ).toEqual({ ...DEFAULT_ORG_QUOTAS, monitors: 7, hosts: 9 });
  });
});
