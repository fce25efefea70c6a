import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { ResourceExhaustedError } from "../core/errors.js";
import { createRedis } from "../redis/redis.js";
import { createWriteRateLimiter } from "./write-rate-limiter.js";

let redis: Redis;
let other: Redis;

beforeAll(async () => {
  redis = createRedis(TEST_REDIS_URL, "command", "write-rate-test");
  other = createRedis(TEST_REDIS_URL, "command", "write-rate-test-2");
  // Until a connection is ready the limiter counts in memory (tested last): wait for both.
  await Promise.all([redis.ping(), other.ping()]);
});
afterAll(() => {
  redis.disconnect();
  other.disconnect();
});

/** refusal is what consume threw, or undefined when it counted the write. */
async function refusal(call: Promise<void>): Promise<ResourceExhaustedError | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    if (error instanceof ResourceExhaustedError) return error;
    throw error;
  }
}

describe("createWriteRateLimiter", () => {
  it("counts an organization's writes and refuses the one past the limit, with a retry-after", async () => {
    const limiter = createWriteRateLimiter(redis, uniquePrefix("writes"), 5);
    const org = randomUUID();
    for (let i = 0; i < 5; i++) expect(await refusal(limiter.consume(org))).toBeUndefined();
    const refused = await refusal(limiter.consume(org));
    expect(refused?.message).toMatch(
      /^this organization has reached its limit of 5 writes per minute \(PULSAR_ORG_WRITES_PER_MINUTE\); try again in \d+ s$/,
    );
    expect(refused?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused?.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("keeps counting for another organization while one is refused", async () => {
    const limiter = createWriteRateLimiter(redis, uniquePrefix("writes"), 3);
    const [busy, quiet] = [randomUUID(), randomUUID()];
    for (let i = 0; i < 10; i++) await refusal(limiter.consume(busy));
    expect(await refusal(limiter.consume(busy))).toBeDefined();
    for (let i = 0; i < 3; i++) expect(await refusal(limiter.consume(quiet))).toBeUndefined();
    expect(await refusal(limiter.consume(quiet))).toBeDefined();
  });

  it("holds the limit across processes: limiters on two connections share one count", async () => {
    const prefix = uniquePrefix("writes");
    const [a, b] = [
      createWriteRateLimiter(redis, prefix, 4),
      createWriteRateLimiter(other, prefix, 4),
    ];
    const org = randomUUID();
    await a.consume(org);
    await b.consume(org);
    await a.consume(org);
    await b.consume(org);
    expect(await refusal(a.consume(org))).toBeDefined();
    expect(await refusal(b.consume(org))).toBeDefined();
  });

  it("refuses an organization over its limit from memory, without asking Redis again", async () => {
    const prefix = uniquePrefix("writes");
    const limiter = createWriteRateLimiter(redis, prefix, 2);
    const org = randomUUID();
    for (let i = 0; i < 3; i++) await refusal(limiter.consume(org));
    const key = `${prefix}:rl:org-writes:${org}`;
    const counted = Number(await redis.get(key));
    for (let i = 0; i < 20; i++) expect(await refusal(limiter.consume(org))).toBeDefined();
    expect(Number(await redis.get(key))).toBe(counted);
  });

  it("goes on counting in memory while Redis is unreachable", async () => {
    // A connection to a port nothing listens on: never ready.
    const down = createRedis("redis://127.0.0.1:1", "command", "write-rate-test-down");
    try {
      const limiter = createWriteRateLimiter(down, uniquePrefix("writes"), 2);
      const org = randomUUID();
      expect(await refusal(limiter.consume(org))).toBeUndefined();
      expect(await refusal(limiter.consume(org))).toBeUndefined();
      expect(await refusal(limiter.consume(org))).toBeDefined();
    } finally {
      down.disconnect();
    }
  });
});
