import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { ResourceExhaustedError } from "../core/errors.js";
import { createRedis } from "../redis/redis.js";
import { createIngestLimiter, DEFAULT_INGEST_LIMITS } from "./ingest-limiter.js";

let redis: Redis;

beforeAll(() => {
  redis = createRedis(TEST_REDIS_URL, "command", "ingest-limiter-test");
});

afterAll(() => {
  redis.disconnect();
});

/** refusal runs a consume that must be refused and returns the error. */
async function refusal(call: Promise<void>): Promise<ResourceExhaustedError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ResourceExhaustedError)) throw new Error(`expected a refusal: ${error}`);
  return error;
}

const alpha1 = { tokenId: "token-a1", orgId: "org-a" };
const alpha2 = { tokenId: "token-a2", orgId: "org-a" };
const bravo = { tokenId: "token-b1", orgId: "org-b" };

describe("the ingest limiter", () => {
  it("counts each token's bytes as well as its samples, naming the limit and when to retry", async () => {
    const limiter = createIngestLimiter(redis, uniquePrefix("rl"), {
      samplesPerWindow: 100,
      bytesPerWindow: 1000,
    });
    await limiter.consume(alpha1, 1, async () => 600);
    const over = await refusal(limiter.consume(alpha1, 1, async () => 600));
    expect(over.message).toMatch(
      /^this agent token pushed more than 1000 bytes of samples in 60 s; try again in \d+ s$/,
    );
    expect(over.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(over.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Spent now: a further call is refused before its bytes are measured.
    let measured = 0;
    await refusal(
      limiter.consume(alpha1, 1, async () => {
        measured++;
        return 1;
      }),
    );
    expect(measured).toBe(0);
    // Another token, even of the same organization, has bytes of its own.
    await limiter.consume(alpha2, 1, async () => 900);
  });

  it("refuses a call over its samples without measuring its bytes", async () => {
    const limiter = createIngestLimiter(redis, uniquePrefix("rl"), { samplesPerWindow: 5 });
    await limiter.consume(alpha1, 5, async () => 10);
    let measured = 0;
    const over = await refusal(
      limiter.consume(alpha1, 1, async () => {
        measured++;
        return 10;
      }),
    );
    expect(over.message).toMatch(/^this agent token pushed more than 5 samples in 60 s; try again/);
    expect(measured).toBe(0);
  });

  it("holds all of one organization's tokens together to its own limits, and no other organization", async () => {
    const limiter = createIngestLimiter(redis, uniquePrefix("rl"), {
      orgSamplesPerWindow: 10,
      orgBytesPerWindow: 5000,
    });
    // Many tokens of one organization, each well within its own limits.
    const tokens = Array.from({ length: 8 }, (_, i) => ({ tokenId: `t${i}`, orgId: "org-a" }));
    const outcomes = await Promise.allSettled(
      tokens.map((t) => limiter.consume(t, 2, async () => 100)),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(5);
    const refused = outcomes.find((o) => o.status === "rejected");
    expect(refused?.status === "rejected" && String(refused.reason)).toMatch(
      /this organization's agents pushed more than 10 samples in 60 s; try again in \d+ s/,
    );
    await limiter.consume(bravo, 2, async () => 100);

    // Bytes likewise.
    const bytes = createIngestLimiter(redis, uniquePrefix("rl"), { orgBytesPerWindow: 5000 });
    await bytes.consume(alpha1, 1, async () => 3000);
    expect((await refusal(bytes.consume(alpha2, 1, async () => 3000))).message).toMatch(
      /^this organization's agents pushed more than 5000 bytes of samples in 60 s/,
    );
    await bytes.consume(bravo, 1, async () => 3000);
  });

  it("defaults to 3,000 samples and 16 MiB per token, 60,000 and 256 MiB per organization, a minute", () => {
    expect(DEFAULT_INGEST_LIMITS).toEqual({
      samplesPerWindow: 3000,
      bytesPerWindow: 16 * 1024 * 1024,
      orgSamplesPerWindow: 60_000,
      orgBytesPerWindow: 256 * 1024 * 1024,
      windowSeconds: 60,
    });
  });
});
