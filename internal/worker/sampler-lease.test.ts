import { afterAll, describe, expect, it } from "vitest";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { createRedis } from "../redis/redis.js";
import { createSamplerLease } from "./sampler-lease.js";

const redis = createRedis(TEST_REDIS_URL, "command", "lease-test");
const prefix = uniquePrefix("lease");

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe("createSamplerLease", () => {
  it("lets one of two samplers on a host publish, and hands over when the holder stops", async () => {
    const first = createSamplerLease(redis, prefix, 300);
    const second = createSamplerLease(redis, prefix, 300);
    expect(await first.hold("h1")).toBe(true);
    expect(await second.hold("h1")).toBe(false);
    expect(await first.hold("h1")).toBe(true); // renewal
    expect(await second.hold("h2")).toBe(true); // other hosts are independent
    // The holder dies: its lease lapses after the TTL and the other takes over.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await second.hold("h1")).toBe(true);
    expect(await first.hold("h1")).toBe(false);
    // A clean shutdown hands over at once.
    await second.release("h1");
    expect(await first.hold("h1")).toBe(true);
  });
});
