import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { ResourceExhaustedError } from "../service/errors.js";

/** IngestLimits are how many samples one agent token may push per window. */
export interface IngestLimits {
  /** Samples per window; a call costs its sample count (at least 1, so empty calls count). */
  samplesPerWindow: number;
  windowSeconds: number;
}

/**
 * DEFAULT_INGEST_LIMITS: 3,000 samples per token per minute. An agent at the fastest interval
 * (500 ms) sends 120 a minute, so it backfills an hour-long outage (7,200 samples) in under
 * three minutes while live samples keep flowing; a leaked token cannot flood Postgres.
 */
const DEFAULT_INGEST_LIMITS: IngestLimits = { samplesPerWindow: 3000, windowSeconds: 60 };

/** IngestLimiter meters PushSamples per agent token. */
export interface IngestLimiter {
  /** consume counts `samples` against the token; throws ResourceExhaustedError when over. */
  consume(tokenId: string, samples: number): Promise<void>;
}

/**
 * createIngestLimiter builds the limiter on a Redis command connection the caller owns.
 * Counters live in Redis (rate-limiter-flexible), so the limit holds across API processes.
 */
export function createIngestLimiter(
  redis: Redis,
  prefix: string,
  limits: IngestLimits = DEFAULT_INGEST_LIMITS,
): IngestLimiter {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:rl:ingest-token`,
    points: limits.samplesPerWindow,
    duration: limits.windowSeconds,
  });
  return {
    async consume(tokenId, samples) {
      try {
        await limiter.consume(tokenId, Math.max(1, samples));
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        throw new ResourceExhaustedError(
          `this agent token pushed more than ${limits.samplesPerWindow} samples in ${limits.windowSeconds} s; try again in ${seconds} s`,
          seconds,
        );
      }
    },
  };
}
