import pLimit from "p-limit";
import { TtlCache } from "../../core/ttl-cache.js";
import { preparedConnection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import * as q from "./heartbeat-state.queries.js";

/** PingTarget is the heartbeat monitor a ping token names. */
export interface PingTarget {
  monitorId: string;
  enabled: boolean;
}

/** PingTargetsOptions bound the lookups and their cache. */
export interface PingTargetsOptions {
  /** How long a token found is reused: PING_TOKEN_TTL_MS. */
  ttlMs?: number;
  /**
   * How long a token not found (404 without a query), or found paused ("paused" without a
   * transaction), is reused: PING_UNKNOWN_TOKEN_TTL_MS.
   */
  unknownTtlMs?: number;
  /** Found tokens kept, and apart from them as many unknown ones: PING_TOKENS_CACHED. */
  maxEntries?: number;
  /** Lookups in flight at once: PING_LOOKUPS_AT_ONCE. */
  lookupsAtOnce?: number;
  now?: () => number;
}

/**
 * PING_TOKEN_TTL_MS is how long a running monitor's token is reused, so that a job pinging
 * every few minutes costs no lookup. Nothing stored relies on it: the transaction storing a
 * ping reads the monitor and its token afresh under its lock, so a ping is never stored for a
 * monitor paused, deleted or given another token before it, and such an outcome drops the
 * token from the cache (forget), so the next ping looks it up again.
 */
export const PING_TOKEN_TTL_MS = 10 * 60_000;
/**
 * PING_UNKNOWN_TOKEN_TTL_MS is how long a token not found answers 404, and a paused monitor's
 * "paused", without a query: a monitor created or resumed meanwhile counts its pings within
 * seconds.
 */
export const PING_UNKNOWN_TOKEN_TTL_MS = 5_000;
/** PING_TOKENS_CACHED bounds the tokens kept: ~150 bytes each. */
export const PING_TOKENS_CACHED = 10_000;
/**
 * PING_LOOKUPS_AT_ONCE bounds the pool connections token lookups take: a flood of made-up
 * tokens, each a query, waits for these rather than taking every connection from the RPCs.
 */
export const PING_LOOKUPS_AT_ONCE = 2;

/** PingTargets finds the monitor of a ping token. */
export interface PingTargets {
  find(token: string): Promise<PingTarget | null>;
  /** forget drops what is kept of a token that turned out stale (its ping's outcome says so). */
  forget(token: string): void;
}

/**
 * createPingTargets returns a token lookup through a TtlCache: tokens found and tokens unknown
 * are kept apart, so a flood of made-up tokens costs one query each and then nothing for
 * PING_UNKNOWN_TOKEN_TTL_MS, and evicts only other unknown tokens, never a real one. A token asked for
 * by many at once is looked up once.
 */
export function createPingTargets(db: Queryable, options: PingTargetsOptions = {}): PingTargets {
  const foundTtlMs = options.ttlMs ?? PING_TOKEN_TTL_MS;
  const unknownTtlMs = options.unknownTtlMs ?? PING_UNKNOWN_TOKEN_TTL_MS;
  const cache = new TtlCache<PingTarget | null>({
    maxEntries: options.maxEntries ?? PING_TOKENS_CACHED,
    isMiss: (target) => target === null,
    now: options.now,
  });
  const limit = pLimit(options.lookupsAtOnce ?? PING_LOOKUPS_AT_ONCE);
  const load = (token: string) =>
    limit(async (): Promise<PingTarget | null> => {
      const [row] = await q.findPingTarget.run({ token }, preparedConnection(db));
      return row === undefined ? null : { monitorId: row.id, enabled: row.enabled };
    });
  return {
    find: (token) =>
      cache.get(
        token,
        () => load(token),
        (target) => (target?.enabled ? foundTtlMs : unknownTtlMs),
      ),
    forget: (token) => cache.delete(token),
  };
}
