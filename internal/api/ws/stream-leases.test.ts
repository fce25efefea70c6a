import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../../test/support/eventually.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { silentLogger } from "../../core/logger.js";
import { freePort } from "../../launcher/free-port.js";
import { createRedis } from "../../redis/redis.js";
import { createStreamLeases, type StreamHolder, type StreamLeases } from "./stream-leases.js";

let redis: Redis;
const prefix = uniquePrefix("stream-leases");

beforeAll(() => {
  redis = createRedis(TEST_REDIS_URL, "command", "stream-leases-test");
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

/** process stands for one API process's counter: every one shares Redis and the prefix. */
function process(limit: number, leaseMs = 60_000): StreamLeases {
  return createStreamLeases({ redis, prefix, limit, leaseMs, log: silentLogger });
}

let holders = 0;
function newHolder(): StreamHolder {
  holders++;
  return { key: `user:${holders}`, label: "this member" };
}

describe("stream leases", () => {
  it("grants exactly the limit to one holder across processes asking at once", async () => {
    const holder = newHolder();
    const [a, b] = [process(20), process(20)];
    const granted = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).acquire(holder)),
    );
    expect(granted.filter(Boolean)).toHaveLength(20);
    expect(a.held() + b.held()).toBe(20);
    // Another holder is not affected.
    expect(await a.acquire(newHolder())).toBeDefined();
  });

  it("frees a place on release, once", async () => {
    const holder = newHolder();
    const leases = process(2);
    const first = await leases.acquire(holder);
    expect(await leases.acquire(holder)).toBeDefined();
    expect(await leases.acquire(holder)).toBeUndefined();
    if (!first) throw new Error("the first lease was refused");
    leases.release(first);
    leases.release(first);
    expect(await leases.acquire(holder)).toBeDefined();
    expect(await leases.acquire(holder)).toBeUndefined();
  });

  it("frees the places of a process that died without releasing once their leases end", async () => {
    const holder = newHolder();
    const dead = process(2, 2000);
    expect(await dead.acquire(holder)).toBeDefined();
    expect(await dead.acquire(holder)).toBeDefined();
    // `dead` never refreshes nor releases again, as a killed process would.
    const alive = process(2, 2000);
    expect(await alive.acquire(holder)).toBeUndefined();
    await eventually(
      async () => {
        await alive.acquire(holder);
        return alive.held() === 2;
      },
      { what: "the dead process's two places to free up", timeoutMs: 10_000 },
    );
    const key = `${prefix}:stream-leases:${holder.key}`;
    expect(await redis.zcard(key)).toBe(2);
    expect(await redis.pttl(key)).toBeGreaterThan(0);
    expect(await alive.acquire(holder)).toBeUndefined();
  });

  it("keeps the places of a process that refreshes its leases", async () => {
    const holder = newHolder();
    const leases = process(1, 1000);
    expect(await leases.acquire(holder)).toBeDefined();
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await leases.refresh();
    }
    // 2.5 s later, two and a half leases: still taken.
    expect(await process(1, 1000).acquire(holder)).toBeUndefined();
  });

  it("rejects, within its timeout, when Redis does not answer", async () => {
    const down = createRedis(`redis://127.0.0.1:${await freePort()}`, "command", "leases-down");
    try {
      const leases = createStreamLeases({
        redis: down,
        prefix,
        limit: 5,
        leaseMs: 60_000,
        timeoutMs: 1000,
        log: silentLogger,
      });
      await expect(leases.acquire(newHolder())).rejects.toThrow();
      expect(leases.held()).toBe(0);
    } finally {
      down.disconnect();
    }
  });
});
