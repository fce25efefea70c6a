import type { Redis } from "ioredis";

/**
 * deleteKeys deletes the keys matching `pattern` (a test's or a bench's `prefix:*`), a page of SCAN at a
 * time: KEYS would block a Redis shared with others.
 */
export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
}
