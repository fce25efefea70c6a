import { afterAll, describe, expect, it } from "vitest";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { createRedis } from "../redis/redis.js";
import { createMonitorLocks } from "./monitor-locks.js";

const redis = createRedis(TEST_REDIS_URL, "command", "monitor-locks-test");
const prefix = uniquePrefix("locks");

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe("monitor locks", () => {
  it("let one check of a monitor hold it, and free it on release", async () => {
    const locks = createMonitorLocks(redis, prefix);
    const release = await locks.acquire("m1", 10_000);
    expect(release).toBeTypeOf("function");
    expect(await locks.acquire("m1", 10_000)).toBeUndefined();
    await release?.();
    expect(await redis.exists(`${prefix}:monitor-lock:m1`)).toBe(0);
    const again = await locks.acquire("m1", 10_000);
    expect(again).toBeTypeOf("function");
    await again?.();
  });

  it("never free a lock another check took after this one's expired", async () => {
    const locks = createMonitorLocks(redis, prefix);
    const late = await locks.acquire("m2", 50);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const current = await locks.acquire("m2", 10_000);
    expect(current).toBeTypeOf("function");
    await late?.();
    expect(await redis.exists(`${prefix}:monitor-lock:m2`)).toBe(1);
    await current?.();
    expect(await redis.exists(`${prefix}:monitor-lock:m2`)).toBe(0);
  });

  it("release by script hash, not by sending the script's text each time", async () => {
    // Every command of an ioredis connection goes through sendCommand: count them by name.
    const names: string[] = [];
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = (command, stream) => {
      names.push(command.name);
      return send(command, stream);
    };
    try {
      const locks = createMonitorLocks(redis, prefix);
      for (let i = 0; i < 5; i++) await (await locks.acquire(`m3-${i}`, 10_000))?.();
    } finally {
      redis.sendCommand = send;
    }
    expect(names.filter((name) => name === "evalsha")).toHaveLength(5);
    // At most one EVAL: ioredis sends the text once when Redis does not know the script yet.
    expect(names.filter((name) => name === "eval").length).toBeLessThanOrEqual(1);
  });
});
