import { randomBytes } from "node:crypto";

/** TEST_REDIS_URL is the Redis server tests use (test/global-setup.ts finds or starts it);
 *  each test isolates itself by key prefix. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** uniquePrefix returns a BullMQ/key prefix no other test uses. */
export function uniquePrefix(label: string): string {
  return `test-${label}-${randomBytes(4).toString("hex")}`;
}
