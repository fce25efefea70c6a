import { describe, expect, it } from "vitest";
import { TtlCache } from "./ttl-cache.js";

describe("TtlCache", () => {
  it("loads a key once for concurrent askers and again after its TTL", async () => {
    let clock = 0;
    const cache = new TtlCache<number>(10, () => clock);
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
    const cache = new TtlCache<string>(3);
    for (const key of ["a", "b", "c"])
      await cache.get(
        key,
        async () => key,
        () => 1000,
      );
    await cache.get(
      "a",
      async () => "reloaded",
      () => 1000,
    );
    await cache.get(
      "d",
      async () => "d",
      () => 1000,
    );
    expect(cache.size).toBe(3);
    expect(
      await cache.get(
        "a",
        async () => "reloaded",
        () => 1000,
      ),
    ).toBe("a");
    expect(
      await cache.get(
        "b",
        async () => "b again",
        () => 1000,
      ),
    ).toBe("b again");
    for (let i = 0; i < 5000; i++)
      await cache.get(
        `stranger-${i}`,
        async () => "",
        () => 1000,
      );
    expect(cache.size).toBe(3);
  });

  it("does not keep a failed load", async () => {
    const cache = new TtlCache<string>(3);
    await expect(
      cache.get(
        "a",
        () => Promise.reject(new Error("down")),
        () => 1000,
      ),
    ).rejects.toThrow("down");
    expect(
      await cache.get(
        "a",
        async () => "up",
        () => 1000,
      ),
    ).toBe("up");
  });
});
