import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { ResourceExhaustedError } from "../core/errors.js";
import { createRedis } from "../redis/redis.js";
import { createSignInLimiter, type SignInLimits } from "./sign-in-limiter.js";

let redis: Redis;

beforeAll(() => {
  redis = createRedis(TEST_REDIS_URL, "command", "sign-in-limiter-test");
});

afterAll(() => {
  redis.disconnect();
});

const LIMITS: SignInLimits = { perAccount: 3, perIp: 4, signUpsPerIp: 2, windowSeconds: 60 };

/** attempts counts how many of n reservations pass, in parallel. */
async function attempts(reserve: () => Promise<void>, n: number) {
  const outcomes = await Promise.allSettled(Array.from({ length: n }, reserve));
  const refused = outcomes.filter((o) => o.status === "rejected");
  for (const o of refused) expect(o.reason).toBeInstanceOf(ResourceExhaustedError);
  return n - refused.length;
}

describe("the sign-in limiter", () => {
  it("lets at most the limit of parallel attempts on one account through", async () => {
    const limiter = createSignInLimiter(redis, uniquePrefix("rl"), LIMITS);
    let n = 0;
    // A new address each time: only the account's count can stop them.
    const passed = await attempts(() => limiter.reserve(`10.1.0.${n++}`, "ada@example.test"), 20);
    expect(passed).toBe(LIMITS.perAccount);
    // The same account under another spelling is the same account.
    await expect(limiter.reserve("10.1.1.1", " ADA@example.test ")).rejects.toThrow(
      /^too many failed sign-ins; try again in \d+ s$/,
    );
  });

  it("gives the address its point back on success and clears the account", async () => {
    const limiter = createSignInLimiter(redis, uniquePrefix("rl"), LIMITS);
    for (let i = 0; i < LIMITS.perIp - 1; i++) {
      await limiter.reserve("192.0.2.1", `guess-${i}@example.test`);
    }
    for (let i = 0; i < 5; i++) {
      await limiter.reserve("192.0.2.1", "ada@example.test");
      await limiter.succeeded("192.0.2.1", "ada@example.test");
    }
    await limiter.reserve("192.0.2.1", "last@example.test");
    await expect(limiter.reserve("192.0.2.1", "ada@example.test")).rejects.toThrow(
      ResourceExhaustedError,
    );
  });

  it("gives both points back for an attempt released unchecked", async () => {
    const limiter = createSignInLimiter(redis, uniquePrefix("rl"), LIMITS);
    for (let i = 0; i < 10; i++) {
      await limiter.reserve("192.0.2.2", "ada@example.test");
      await limiter.release("192.0.2.2", "ada@example.test");
    }
    expect(await attempts(() => limiter.reserve("192.0.2.2", "ada@example.test"), 5)).toBe(
      LIMITS.perAccount,
    );
  });

  it("counts an IPv6 client by its /64 and an IPv4-mapped one as its IPv4 address", async () => {
    const limiter = createSignInLimiter(redis, uniquePrefix("rl"), LIMITS);
    let host = 1;
    const sameNet = () =>
      limiter.reserve(`2001:db8:7:7::${(host++).toString(16)}`, `u${host}@x.test`);
    expect(await attempts(sameNet, 10)).toBe(LIMITS.perIp);
    // The next /64 has its own budget.
    expect(await attempts(() => limiter.reserve("2001:db8:7:8::1", `v${host++}@x.test`), 10)).toBe(
      LIMITS.perIp,
    );
    for (let i = 0; i < LIMITS.perIp; i++) await limiter.reserve("198.51.100.9", `w${i}@x.test`);
    await expect(limiter.reserve("::ffff:198.51.100.9", "w-last@x.test")).rejects.toThrow(
      ResourceExhaustedError,
    );
  });

  it("refuses an address's sign-ups past its limit, a /64 at a time", async () => {
    const limiter = createSignInLimiter(redis, uniquePrefix("rl"), LIMITS);
    await limiter.signUp("2001:db8:9:9::1");
    await limiter.signUp("2001:db8:9:9:ffff::2");
    await expect(limiter.signUp("2001:db8:9:9::3")).rejects.toThrow(
      /^too many sign-ups from this address; try again in \d+ s$/,
    );
    await limiter.signUp("2001:db8:9:a::1");
  });
});
