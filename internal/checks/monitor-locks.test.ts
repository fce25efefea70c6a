import { afterAll, describe, expect, it } from "vitest";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { deleteKeys } from "../../test/support/redis-keys.js";
import { createRedis } from "../redis/redis.js";
import { createMonitorLocks } from "./monitor-locks.js";

const redis = createRedis(TEST_REDIS_URL, "command", "monitor-locks-test");
const prefix = uniquePrefix("locks");
const held = async (id: string) => (await redis.exists(`${prefix}:monitor-lock:${id}`)) === 1;

afterAll(async () => {
  await deleteKeys(redis, `${prefix}:*`);
  redis.disconnect();
});

describe("monitor locks", () => {
  it("let one check of a monitor hold it, and free it on release", async () => {
    const locks = createMonitorLocks(redis, prefix);
    const [release] = await locks.acquire([{ monitorId: "m1", ttlMs: 10_000 }]);
    expect(release).toBeTypeOf("function");
    expect(await locks.acquire([{ monitorId: "m1", ttlMs: 10_000 }])).toEqual([undefined]);
    release?.();
    await locks.flush();
    expect(await held("m1")).toBe(false);
    const [again] = await locks.acquire([{ monitorId: "m1", ttlMs: 10_000 }]);
    expect(again).toBeTypeOf("function");
    again?.();
    await locks.flush();
  });

  it("take a job's locks in one call, each monitor's apart: held ones are refused alone", async () => {
    const locks = createMonitorLocks(redis, prefix);
    const [busy] = await locks.acquire([{ monitorId: "b2", ttlMs: 10_000 }]);
    const taken = await locks.acquire(
      ["b1", "b2", "b3"].map((monitorId) => ({ monitorId, ttlMs: 10_000 })),
    );
    expect(taken.map((release) => typeof release)).toEqual(["function", "undefined", "function"]);
    expect(await redis.pttl(`${prefix}:monitor-lock:b1`)).toBeGreaterThan(9000);
    for (const release of [...taken, busy]) release?.();
    await locks.flush();
    expect([await held("b1"), await held("b2"), await held("b3")]).toEqual([false, false, false]);
  });

  it("never free a lock another check took after this one's expired", async () => {
    const locks = createMonitorLocks(redis, prefix);
    const [late] = await locks.acquire([{ monitorId: "m2", ttlMs: 50 }]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const [current] = await locks.acquire([{ monitorId: "m2", ttlMs: 10_000 }]);
    expect(current).toBeTypeOf("function");
    late?.();
    await locks.flush();
    expect(await held("m2")).toBe(true);
    current?.();
    await locks.flush();
    expect(await held("m2")).toBe(false);
  });

  it("send the releases of checks ending together in one call, by script hash", async () => {
    // Every command of an ioredis connection goes through sendCommand: count them by name.
    const names: string[] = [];
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = (command, stream) => {
      names.push(command.name);
      return send(command, stream);
    };
    try {
      const locks = createMonitorLocks(redis, prefix, { releaseDelayMs: 50 });
      const ids = Array.from({ length: 5 }, (_, i) => `m3-${i}`);
      const releases = await locks.acquire(ids.map((monitorId) => ({ monitorId, ttlMs: 10_000 })));
      for (const release of releases) {
        release?.();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // Released within 50 ms of each other: still held until the one call goes out.
      expect(await held("m3-4")).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await held("m3-0")).toBe(false);
      expect(await held("m3-4")).toBe(false);
    } finally {
      redis.sendCommand = send;
    }
    // One call to acquire and one to release; at most one EVAL of each: ioredis sends a script's
    // text once when Redis does not know it yet.
    expect(names.filter((name) => name === "evalsha")).toHaveLength(2);
    expect(names.filter((name) => name === "eval").length).toBeLessThanOrEqual(2);
  });
});
