import { Redis } from "ioredis";

/** RedisRole picks connection settings: BullMQ needs commands that wait through reconnects,
 *  request paths (readiness, locks) need commands that fail after a couple of retries. */
export type RedisRole = "bullmq" | "command";

/** RedisOptions adjust a command connection. */
export interface RedisOptions {
  /**
   * Commands issued in one tick go out in one write (default true for "command"). False for a
   * connection whose callers batch their own commands (scripts, MULTI), one call a tick: each
   * auto-pipelined call builds an ioredis Pipeline, which copies the connection's scripts onto
   * it, for nothing to batch with (~1 % of a worker's CPU at 195 checks/s).
   */
  autoPipelining?: boolean;
}

/** createRedis opens an ioredis connection. The caller owns it and must quit() it. */
export function createRedis(
  url: string,
  role: RedisRole,
  name: string,
  options: RedisOptions = {},
): Redis {
  const redis = new Redis(url, {
    connectionName: `pulsar-${name}`,
    // BullMQ requires null: its blocking commands must survive a reconnect.
    maxRetriesPerRequest: role === "bullmq" ? null : 2,
    // Commands issued in one tick go out in one write: a batch's checks take and release their
    // monitors' locks together, and a write per command was a quarter of a worker's CPU.
    enableAutoPipelining: role === "command" && (options.autoPipelining ?? true),
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Reconnection is automatic; an 'error' event without a listener would crash the process.
  redis.on("error", () => {});
  return redis;
}
