import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { ResourceExhaustedError } from "../core/errors.js";

/** DEFAULT_WRITES_PER_MINUTE is PULSAR_ORG_WRITES_PER_MINUTE's documented default. */
export const DEFAULT_WRITES_PER_MINUTE = 600;

/** WRITE_WINDOW_SECONDS is the window the write rate is counted over. */
const WRITE_WINDOW_SECONDS = 60;

/**
 * WriteRateLimiter counts an organization's write RPCs. Counters live in Redis, so the limit
 * holds across every API process.
 */
export interface WriteRateLimiter {
  /**
   * consume counts one write of the organization, or throws ResourceExhaustedError (with
   * retryAfterSeconds) when it has used its writes of the current minute.
   */
  consume(orgId: string): Promise<void>;
}

/**
 * createWriteRateLimiter builds the limiter on a Redis command connection the caller owns.
 *
 * An organization over its limit is then refused from this process's memory until its window
 * ends (inMemoryBlockOnConsumed), so hammering costs Redis nothing and cannot slow the counters
 * of other organizations. While Redis is not connected, each process counts on its own
 * (insuranceLimiter): writes go on, at most the limit per process, instead of failing with it.
 */
export function createWriteRateLimiter(
  redis: Redis,
  prefix: string,
  writesPerMinute: number = DEFAULT_WRITES_PER_MINUTE,
): WriteRateLimiter {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:rl:org-writes`,
    points: writesPerMinute,
    duration: WRITE_WINDOW_SECONDS,
    inMemoryBlockOnConsumed: writesPerMinute + 1,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({
      keyPrefix: "org-writes",
      points: writesPerMinute,
      duration: WRITE_WINDOW_SECONDS,
    }),
  });
  return {
    async consume(orgId) {
      try {
        await limiter.consume(orgId);
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        throw new ResourceExhaustedError(
          `this organization has reached its limit of ${writesPerMinute} writes per minute (PULSAR_ORG_WRITES_PER_MINUTE); try again in ${seconds} s`,
          seconds,
        );
      }
    },
  };
}
