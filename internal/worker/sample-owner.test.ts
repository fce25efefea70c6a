import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { newSecret } from "../auth/secrets.js";
import { ConfigError } from "../config/parse-environment.js";
import { silentLogger } from "../core/logger.js";
import { resolveSampleOwner } from "./sample-owner.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const resolve = (workerToken: string | undefined, sharedHosts: boolean) =>
  resolveSampleOwner({ pool: db.pool, workerToken, sharedHosts, log: silentLogger });

describe("resolveSampleOwner", () => {
  it("gives the host to PULSAR_WORKER_TOKEN's organization, whatever PULSAR_SHARED_HOSTS says", async () => {
    const org = await createTestOrg(db.pool);
    const token = await org.token("worker");
    expect(await resolve(token, true)).toEqual({ orgId: org.orgId });
    expect(await resolve(token, false)).toEqual({ orgId: org.orgId });
  });

  it("shares the host without a token when PULSAR_SHARED_HOSTS is on, and samples nothing when off", async () => {
    expect(await resolve(undefined, true)).toEqual({ orgId: undefined });
    expect(await resolve(undefined, false)).toBeUndefined();
  });

  it("refuses, naming PULSAR_WORKER_TOKEN, a token that is unknown or not a worker token", async () => {
    const org = await createTestOrg(db.pool);
    await expect(resolve(newSecret("worker").secret, true)).rejects.toThrow(
      /PULSAR_WORKER_TOKEN is unknown or revoked/,
    );
    const agentToken = resolve(await org.token("agent"), true);
    await expect(agentToken).rejects.toBeInstanceOf(ConfigError);
    await expect(agentToken).rejects.toThrow(/PULSAR_WORKER_TOKEN is a token of scope agent/);
  });
});
