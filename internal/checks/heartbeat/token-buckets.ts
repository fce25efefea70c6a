/** TokenBucketOptions size each key's bucket and bound how many keys are kept. */
export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** The bucket's size: how many may come at once after a quiet spell. */
  burst: number;
  /** How many keys' buckets are kept at most. */
  maxKeys: number;
  now?: () => number;
}

/** Take is a bucket's answer: go ahead, or come back in retryAfterMs. */
export type Take = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  /** When tokens was last brought up to date, epoch ms. */
  at: number;
}

/**
 * TokenBuckets rate-limits per key, in memory (one process's share: each API process counts
 * its own). A full bucket is the same as none, so buckets refilled to the brim are dropped when
 * the map reaches maxKeys; only if none is, the least recently used goes, which can only let
 * its key through sooner, never hold another back.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    this.now = options.now ?? Date.now;
  }

  /** take spends one token of key's bucket, if it has one. */
  take(key: string): Take {
    const at = this.now();
    const { ratePerSecond, burst } = this.options;
    const bucket = this.buckets.get(key);
    let tokens = burst;
    if (bucket !== undefined) {
      tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) * ratePerSecond) / 1000);
      // Map order is the LRU order: re-inserting moves the key to the newest end.
      this.buckets.delete(key);
    } else if (this.buckets.size >= this.options.maxKeys) {
      this.prune(at);
    }
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at });
      return { ok: false, retryAfterMs: Math.ceil(((1 - tokens) * 1000) / ratePerSecond) };
    }
    this.buckets.set(key, { tokens: tokens - 1, at });
    return { ok: true };
  }

  /** size is how many buckets are kept. */
  get size(): number {
    return this.buckets.size;
  }

  // Drops every bucket that has refilled (an O(n) pass, once per maxKeys/10 new keys at most),
  // then the least recently used until a tenth of the room is free.
  private prune(at: number): void {
    const { ratePerSecond, burst, maxKeys } = this.options;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((at - bucket.at) * ratePerSecond) / 1000 >= burst)
        this.buckets.delete(key);
    }
    const target = maxKeys - Math.max(1, Math.floor(maxKeys / 10));
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= target) break;
      this.buckets.delete(key);
    }
  }
}
