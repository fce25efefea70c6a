import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listApiTokens, revokeApiToken } from "../../internal/accounts/accounts.js";
import { createRedis } from "../../internal/redis/redis.js";
import { hostsKey } from "../../internal/stream/topics.js";
import { createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { eventually } from "../../test/support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { startWorkerProcess, type WorkerProcess } from "../../test/support/worker-process.js";

// Real cmd/worker processes: whom their host samples belong to (PULSAR_WORKER_TOKEN,
// PULSAR_SHARED_HOSTS).

let db: TestDatabase;
let redis: Redis;
let org: TestOrg;
const prefix = uniquePrefix("worker-owner");
const workers: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "worker-owner-test");
  org = await createTestOrg(db.pool);
});

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill("SIGKILL");
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await db.drop();
});

/** startWorker runs cmd/worker with env on top of the test's settings; stderr is collected. */
function startWorker(env: Record<string, string>): WorkerProcess {
  const worker = startWorkerProcess(
    { databaseUrl: db.url, prefix },
    { SAMPLE_INTERVAL_MS: "500", LOG_LEVEL: "info", ...env },
  );
  workers.push(worker.child);
  return worker;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}

const hostOwner = async (hostId: string) =>
  (await db.pool.query("SELECT org_id FROM hosts WHERE id = $1", [hostId])).rows[0];

describe("a worker's host samples", () => {
  it("belong to PULSAR_WORKER_TOKEN's organization, in Postgres and on the stream", async () => {
    const hostId = `owned-${prefix}`;
    const { child } = startWorker({
      PULSAR_WORKER_TOKEN: await org.token("worker"),
      HOST_ID: hostId,
    });
    try {
      await eventually(async () => (await hostOwner(hostId)) !== undefined, {
        what: "the worker's host to be stored",
        timeoutMs: 30_000,
      });
      expect(await hostOwner(hostId)).toEqual({ org_id: org.orgId });
      await eventually(
        async () => (await redis.sismember(hostsKey(prefix, org.orgId), hostId)) === 1,
        { what: "the host in its organization's set", timeoutMs: 10_000 },
      );
      expect(await redis.sismember(hostsKey(prefix, "shared"), hostId)).toBe(0);
    } finally {
      await stop(child);
    }
  }, 60_000);

  it("are not taken when PULSAR_SHARED_HOSTS=false and no token names an owner; the worker still starts", async () => {
    const hostId = `unowned-${prefix}`;
    const worker = startWorker({ PULSAR_SHARED_HOSTS: "false", HOST_ID: hostId });
    try {
      await eventually(() => worker.stderr().includes("worker started"), {
        what: "the worker to start",
        timeoutMs: 30_000,
      });
      expect(worker.stderr()).toContain("not sampling this host: PULSAR_SHARED_HOSTS=false");
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await hostOwner(hostId)).toBeUndefined();
      expect(worker.child.exitCode).toBeNull();
    } finally {
      await stop(worker.child);
    }
  }, 60_000);

  it("stop the worker at start, naming PULSAR_WORKER_TOKEN, when it is not a live worker token", async () => {
    const revoked = await org.token("worker");
    const [row] = await listApiTokens(db.pool, org.orgId, ["worker"]);
    await revokeApiToken(db.pool, org.orgId, row?.id ?? "", ["worker"]);
    const cases: [string, RegExp][] = [
      // Refused by the configuration already: it is not even shaped like a worker token.
      [org.apiToken, /PULSAR_WORKER_TOKEN: a worker token/],
      [`pulsar_worker_${"A".repeat(43)}`, /PULSAR_WORKER_TOKEN is unknown or revoked/],
      [revoked, /PULSAR_WORKER_TOKEN is unknown or revoked/],
    ];
    for (const [token, message] of cases) {
      const worker = startWorker({ PULSAR_WORKER_TOKEN: token });
      const [code] = (await once(worker.child, "exit")) as [number | null];
      expect(code).toBe(1);
      expect(worker.stderr()).toMatch(message);
    }
  }, 60_000);
});
