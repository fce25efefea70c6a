import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { deleteKeys } from "../../test/support/redis-keys.js";
import { createMonitorLocks } from "../checks/monitor-locks.js";
import { monitorLockPrefix } from "../checks/queue/region-dispatch.js";
import { createRedis } from "../redis/redis.js";
import { newLeaseToken } from "./lease-id.js";
import { createProbeMonitorLocks } from "./probe-monitor-locks.js";

// A probe's monitor locks are a worker's of the same region: each keeps the other out.

const redis = createRedis(TEST_REDIS_URL, "command", "probe-locks-test");
const prefix = uniquePrefix("probe-locks");

afterAll(async () => {
  await deleteKeys(redis, `${prefix}:*`);
  redis.disconnect();
});

describe("probe monitor locks", () => {
  it("keep a worker of the region out of a monitor a probe holds, until released", async () => {
    const lockPrefix = monitorLockPrefix(prefix, "eu");
    const probe = createProbeMonitorLocks(redis, lockPrefix);
    const worker = createMonitorLocks(redis, lockPrefix, { releaseDelayMs: 0 });
    const [held, free] = [randomUUID(), randomUUID()];
    const token = newLeaseToken();
    expect(await probe.acquire(token, [{ monitorId: held, ttlMs: 10_000 }])).toEqual([true]);
    const [blocked, taken] = await worker.acquire([
      { monitorId: held, ttlMs: 10_000 },
      { monitorId: free, ttlMs: 10_000 },
    ]);
    expect(blocked).toBeUndefined();
    expect(taken).toBeTypeOf("function");
    // Another lease's token frees nothing; the holder's does.
    await probe.release(newLeaseToken(), [held]);
    expect(await worker.acquire([{ monitorId: held, ttlMs: 10_000 }])).toEqual([undefined]);
    await probe.release(token, [held]);
    const [now] = await worker.acquire([{ monitorId: held, ttlMs: 10_000 }]);
    expect(now).toBeTypeOf("function");
  });

  it("are kept out of a monitor a worker of the region holds, and not by another region's", async () => {
    const eu = monitorLockPrefix(prefix, "eu");
    const worker = createMonitorLocks(redis, eu, { releaseDelayMs: 0 });
    const monitorId = randomUUID();
    const [release] = await worker.acquire([{ monitorId, ttlMs: 10_000 }]);
    const probe = createProbeMonitorLocks(redis, eu);
    expect(await probe.acquire(newLeaseToken(), [{ monitorId, ttlMs: 10_000 }])).toEqual([false]);
    const us = createProbeMonitorLocks(redis, monitorLockPrefix(prefix, "us"));
    expect(await us.acquire(newLeaseToken(), [{ monitorId, ttlMs: 10_000 }])).toEqual([true]);
    release?.();
    await worker.flush();
    expect(await probe.acquire(newLeaseToken(), [{ monitorId, ttlMs: 10_000 }])).toEqual([true]);
  });
});
