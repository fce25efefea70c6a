import { describe, expect, it } from "vitest";
import { createTtlCache } from "./ttl-cache.js";

describe("createTtlCache", () => {
  it("shares one load among concurrent misses and reuses it until the TTL passes", async () => {
    let now = 0;
    let loads = 0;
    const cache = createTtlCache<number>({ maxEntries: 10, ttlMs: 60_000, now: () => now });
    const load = async () => ++loads;
    expect(await Promise.all([1, 2, 3].map(() => cache.get("a", load)))).toEqual([1, 1, 1]);
    now = 59_999;
    expect(await cache.get("a", load)).toBe(1);
    now = 60_000;
    expect(await cache.get("a", load)).toBe(2);
  });

  it("holds at most maxEntries, evicting the least recently used", async () => {
    let loads = 0;
    const cache = createTtlCache<string>({ maxEntries: 2, ttlMs: 60_000 });
    const load = (key: string) => async () => {
      loads++;
      return key;
    };
    await cache.get("a", load("a"));
    await cache.get("b", load("b"));
    await cache.get("a", load("a")); // a is now the most recently used
    await cache.get("c", load("c")); // evicts b
    expect(cache.size).toBe(2);
    expect(loads).toBe(3);
    await cache.get("a", load("a"));
    expect(loads).toBe(3);
    await cache.get("b", load("b"));
    expect(loads).toBe(4);
  });

  it("forgets a failed load so the next request tries again", async () => {
    const cache = createTtlCache<number>({ maxEntries: 10, ttlMs: 60_000 });
    await expect(cache.get("a", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("a", async () => 7)).toBe(7);
  });
});
