import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { ResourceExhaustedError } from "../core/errors.js";

/**
 * IngestLimits are what PushSamples may carry per window: samples and bytes (each sample's
 * protobuf binary size, whatever the encoding) per agent token, and the same for all of one
 * organization's tokens together. Absent fields take DEFAULT_INGEST_LIMITS' values.
 */
export interface IngestLimits {
  /** Samples per token; a call costs its sample count (at least 1, so empty calls count). */
  samplesPerWindow?: number;
  /** Sample bytes per token. */
  bytesPerWindow?: number;
  /** Samples per organization, all its tokens together. */
  orgSamplesPerWindow?: number;
  /** Sample bytes per organization. */
  orgBytesPerWindow?: number;
  windowSeconds?: number;
}

const MIB = 1024 * 1024;

/**
 * DEFAULT_INGEST_LIMITS, per minute. A token: 3,000 samples and 16 MiB. An agent at the
 * fastest interval (500 ms) sends 120 samples a minute, so it backfills an hour-long outage
 * (7,200 samples) in under three minutes while live samples keep flowing; its batches are at
 * most 1 MiB, and 16 MiB is also one full batch of the largest samples. An organization: 60,000
 * samples and 256 MiB, what its default quota of 1,000 hosts sends at one sample a second
 * (twice the default rate) with 4 KiB samples: a leaked token, or a thousand of one
 * organization's, cannot flood Postgres nor take the others' share.
 */
export const DEFAULT_INGEST_LIMITS: Readonly<Required<IngestLimits>> = {
  samplesPerWindow: 3000,
  bytesPerWindow: 16 * MIB,
  orgSamplesPerWindow: 60_000,
  orgBytesPerWindow: 256 * MIB,
  windowSeconds: 60,
};

/** IngestCaller is who pushes: the agent token and its organization. */
export interface IngestCaller {
  tokenId: string;
  orgId: string;
}

/** IngestLimiter meters PushSamples per agent token and per organization. */
export interface IngestLimiter {
  /**
   * consume counts a call's `samples` against its token and organization, then — unless either
   * has no bytes left this window — its bytes, which `measure` answers (only then: measuring
   * is the costly part). It throws ResourceExhaustedError naming the limit passed, with a
   * retry-after; a refused call counts too.
   */
  consume(caller: IngestCaller, samples: number, measure: () => Promise<number>): Promise<void>;
}

/** A limit and how to say it was passed. */
interface Meter {
  limiter: RateLimiterRedis;
  key: (caller: IngestCaller) => string;
  passed: string;
}

/**
 * createIngestLimiter builds the limiter on a Redis command connection the caller owns.
 * Counters live in Redis (rate-limiter-flexible), so the limits hold across API processes.
 */
export function createIngestLimiter(
  redis: Redis,
  prefix: string,
  limits: IngestLimits = {},
): IngestLimiter {
  const d = DEFAULT_INGEST_LIMITS;
  const l = {
    samplesPerWindow: limits.samplesPerWindow ?? d.samplesPerWindow,
    bytesPerWindow: limits.bytesPerWindow ?? d.bytesPerWindow,
    orgSamplesPerWindow: limits.orgSamplesPerWindow ?? d.orgSamplesPerWindow,
    orgBytesPerWindow: limits.orgBytesPerWindow ?? d.orgBytesPerWindow,
    windowSeconds: limits.windowSeconds ?? d.windowSeconds,
  };
  const meter = (name: string, points: number, key: Meter["key"], passed: string): Meter => ({
    limiter: new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:rl:ingest-${name}`,
      points,
      duration: l.windowSeconds,
    }),
    key,
    passed: `${passed} in ${l.windowSeconds} s`,
  });
  const byToken = (c: IngestCaller) => c.tokenId;
  const byOrg = (c: IngestCaller) => c.orgId;
  const samples = [
    meter(
      "token",
      l.samplesPerWindow,
      byToken,
      `this agent token pushed more than ${l.samplesPerWindow} samples`,
    ),
    meter(
      "org-samples",
      l.orgSamplesPerWindow,
      byOrg,
      `this organization's agents pushed more than ${l.orgSamplesPerWindow} samples`,
    ),
  ];
  const bytes = [
    meter(
      "token-bytes",
      l.bytesPerWindow,
      byToken,
      `this agent token pushed more than ${l.bytesPerWindow} bytes of samples`,
    ),
    meter(
      "org-bytes",
      l.orgBytesPerWindow,
      byOrg,
      `this organization's agents pushed more than ${l.orgBytesPerWindow} bytes of samples`,
    ),
  ];
  return {
    async consume(caller, count, measure) {
      // The sample counts are taken, and the byte budgets read, in one round of commands.
      await refuseOver([
        ...samples.map((m) => charge(m, caller, Math.max(1, count))),
        ...bytes.map((m) => spent(m, caller)),
      ]);
      const size = await measure();
      await refuseOver(bytes.map((m) => charge(m, caller, Math.max(1, size))));
    },
  };
}

/** A meter's verdict: undefined within the limit, else the refusal. */
type Verdict = ResourceExhaustedError | undefined;

const refusal = (m: Meter, res: RateLimiterRes): ResourceExhaustedError => {
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new ResourceExhaustedError(`${m.passed}; try again in ${seconds} s`, seconds);
};

async function charge(m: Meter, caller: IngestCaller, points: number): Promise<Verdict> {
  try {
    await m.limiter.consume(m.key(caller), points);
    return undefined;
  } catch (error) {
    if (error instanceof RateLimiterRes) return refusal(m, error);
    throw error;
  }
}

/** spent refuses when the window's budget is used up already, without taking anything. */
async function spent(m: Meter, caller: IngestCaller): Promise<Verdict> {
  const res = await m.limiter.get(m.key(caller));
  return res && res.remainingPoints <= 0 ? refusal(m, res) : undefined;
}

/** refuseOver throws the refusal that waits longest, if any meter refused. */
async function refuseOver(verdicts: Promise<Verdict>[]): Promise<void> {
  let worst: ResourceExhaustedError | undefined;
  for (const verdict of await Promise.all(verdicts)) {
    if (verdict && (verdict.retryAfterSeconds ?? 0) > (worst?.retryAfterSeconds ?? -1)) {
      worst = verdict;
    }
  }
  if (worst) throw worst;
}
