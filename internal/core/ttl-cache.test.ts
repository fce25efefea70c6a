import { describe, expect, it } from "vitest";
import { TtlCache } from "./ttl-cache.js";

const forAWhile = () => 1000;

describe("TtlCache", () => {
  it("loads a key once for concurrent askers and again after its TTL", async () => {
    let clock = 0;
    const cache = new TtlCache<number>({ maxEntries: 10, now: () => clock });
    let loads = 0;
    const load = async () => ++loads;
    const values = await Promise.all([1, 2, 3].map(() => cache.get("a", load, () => 100)));
    expect(values).toEqual([1, 1, 1]);
    clock = 99;
    expect(await cache.get("a", load, () => 100)).toBe(1);
    clock = 101;
    expect(await cache.get("a", load, () => 100)).toBe(2);
  });

  it("keeps at most maxEntries, dropping the least recently used", async () => {
    const cache = new TtlCache<string>({ maxEntries: 3 });
    for (const key of ["a", "b", "c"]) await cache.get(key, async () => key, forAWhile);
    await cache.get("a", async () => "reloaded", forAWhile);
    await cache.get("d", async () => "d", forAWhile);
    expect(cache.size).toBe(3);
    expect(await cache.get("a", async () => "reloaded", forAWhile)).toBe("a");
    expect(await cache.get("b", async () => "b again", forAWhile)).toBe("b again");
    for (let i = 0; i < 5000; i++) await cache.get(`stranger-${i}`, async () => "", forAWhile);
    expect(cache.size).toBe(3);
  });

  it("keeps misses apart: a flood of made-up keys never evicts what was found", async () => {
    const cache = new TtlCache<string | undefined>({
      maxEntries: 3,
      maxMisses: 2,
      isMiss: (value) => value === undefined,
    });
    for (const key of ["a", "b", "c"]) await cache.get(key, async () => key, forAWhile);
    for (let i = 0; i < 5000; i++)
      await cache.get(`stranger-${i}`, async () => undefined, forAWhile);
    expect(cache.size).toBe(3 + 2);
    let reloads = 0;
    for (const key of ["a", "b", "c"]) {
      expect(await cache.get(key, async () => `${key} again ${++reloads}`, forAWhile)).toBe(key);
    }
    expect(reloads).toBe(0);
    // The newest misses are remembered; older ones are loaded again.
    let missLoads = 0;
    await cache.get("stranger-4999", async () => void missLoads++, forAWhile);
    await cache.get("stranger-0", async () => void missLoads++, forAWhile);
    expect(missLoads).toBe(1);
  });

  it("does not keep a failed load", async () => {
    const cache = new TtlCache<string>({ maxEntries: 3 });
    await expect(
      cache.get("a", () => Promise.reject(new Error("down")), forAWhile),
    ).rejects.toThrow("down");
    expect(await cache.get("a", async () => "up", forAWhile)).toBe("up");
  });

  it("keeps nothing of a load in flight when the key is forgotten meanwhile", async () => {
    const cache = new TtlCache<string>({ maxEntries: 3 });
    let finish: (value: string) => void = () => {};
    const stale = cache.get("a", () => new Promise((resolve) => (finish = resolve)), forAWhile);
    cache.delete("a");
    finish("before the change");
    expect(await stale).toBe("before the change");
    expect(await cache.get("a", async () => "after the change", forAWhile)).toBe(
      "after the change",
    );
  });
});
