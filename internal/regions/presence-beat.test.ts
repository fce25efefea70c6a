import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../test/support/eventually.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { deleteKeys } from "../../test/support/redis-keys.js";
import { silentLogger } from "../core/logger.js";
import { createRedis } from "../redis/redis.js";
import { startPresenceBeat } from "./presence-beat.js";
import { readRegionPresence } from "./region-presence.js";

// A worker's presence beat through the real Redis, read back as RegionService reads it.

let redis: Redis;
let prefix: string;

beforeAll(() => {
  redis = createRedis(TEST_REDIS_URL, "command", "presence-beat-test");
  prefix = uniquePrefix("presence-beat");
});

afterAll(async () => {
  await deleteKeys(redis, `${prefix}:*`);
  redis.disconnect();
});

const lastSeen = async (region: string) => {
  const presence = await readRegionPresence(redis, prefix, region);
  const [worker] = presence.workers;
  return worker?.lastSeenAt ? timestampMs(worker.lastSeenAt) : undefined;
};

describe("startPresenceBeat", () => {
  it("records the worker at once, with its id and version, so its region shows as live", async () => {
    const clock = 1_800_000_000_000;
    const stop = startPresenceBeat({
      redis,
      prefix,
      region: "eu-west",
      id: "box:101",
      version: "1.2.3",
      everyMs: 3_600_000,
      log: silentLogger,
      now: () => clock,
    });
    try {
      const presence = await eventually(
        async () => {
          const read = await readRegionPresence(redis, prefix, "eu-west", clock);
          return read.live && read;
        },
        { what: "the first beat to be recorded" },
      );
      expect(presence.workers.map((w) => [w.id, w.version])).toEqual([["box:101", "1.2.3"]]);
      expect(presence.workers[0]?.lastSeenAt && timestampMs(presence.workers[0].lastSeenAt)).toBe(
        clock,
      );
      // Another region is not served by it.
      expect((await readRegionPresence(redis, prefix, "us-east", clock)).live).toBe(false);
    } finally {
      await stop();
    }
  });

  it("beats again every everyMs, and once stopped beats no more and is no longer listed", async () => {
    const stop = startPresenceBeat({
      redis,
      prefix,
      region: "ap-south",
      id: "box:202",
      version: "1.2.3",
      everyMs: 40,
      log: silentLogger,
    });
    const first = await eventually(() => lastSeen("ap-south"), { what: "the first beat" });
    const later = await eventually(
      async () => {
        const seen = await lastSeen("ap-south");
        return seen !== undefined && seen > first && seen;
      },
      { what: "a later beat to move lastSeenAt on" },
    );
    expect(later).toBeGreaterThan(first);
    await stop();
    expect(await lastSeen("ap-south")).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await lastSeen("ap-south")).toBeUndefined();
    expect((await readRegionPresence(redis, prefix, "ap-south")).live).toBe(false);
  });

  it("logs a failed beat instead of throwing, and keeps beating", async () => {
    const closed = createRedis(TEST_REDIS_URL, "command", "presence-beat-closed");
    await closed.quit();
    const warnings: string[] = [];
    const stop = startPresenceBeat({
      redis: closed,
      prefix,
      region: "sa-east",
      id: "box:303",
      version: "1.2.3",
      everyMs: 30,
      log: { warn: (message) => warnings.push(message) },
    });
    await eventually(() => warnings.length >= 2, { what: "two failed beats to be logged" });
    await stop();
    expect(warnings[0]).toMatch(/recording this worker's region presence failed/);
    expect((await readRegionPresence(redis, prefix, "sa-east")).live).toBe(false);
  });
});
