import { Redis } from "ioredis";

/** RedisRole picks connection settings: BullMQ needs commands that wait through reconnects,
 *  request paths (readiness, locks) need commands that fail after a couple of retries. */
export type RedisRole = "bullmq" | "command";

/** createRedis opens an ioredis connection. The caller owns it and must quit() it. */
export function createRedis(url: string, role: RedisRole, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: `pulsar-${name}`,
    // BullMQ requires null: its blocking commands must survive a reconnect.
    maxRetriesPerRequest: role === "bullmq" ? null : 2,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Reconnection is automatic; an 'error' event without a listener would crash the process.
  redis.on("error", () => {});
  return redis;
}
