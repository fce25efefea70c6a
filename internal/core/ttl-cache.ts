/** TtlCacheOptions bound a TtlCache and say which loaded values are misses. */
export interface TtlCacheOptions<V> {
  /** How many found values are kept; the least recently used goes first. */
  maxEntries: number;
  /** How many misses are kept, apart from the found values; default maxEntries. */
  maxMisses?: number;
  /** Whether a loaded value says "there is no such thing" (no page, no badge, no domain). */
  isMiss?: (value: V) => boolean;
  now?: () => number;
}

interface Kept<V> {
  value: V;
  expiresAt: number;
}

/**
 * TtlCache keeps loaded values for a time of their own, bounded, and loads a missing value once
 * however many ask for it at the same time (a burst of strangers costs one load). A failed load
 * is not kept. Keys come from strangers, so found values and misses are kept in two bounded
 * maps: a flood of made-up keys evicts only other misses, never what real requests found.
 * Loads in flight are apart too; they are as many as the requests being served.
 */
export class TtlCache<V> {
  private readonly found = new Map<string, Kept<V>>();
  private readonly missing = new Map<string, Kept<V>>();
  private readonly loading = new Map<string, Promise<V>>();
  private readonly now: () => number;

  constructor(private readonly options: TtlCacheOptions<V>) {
    this.now = options.now ?? Date.now;
  }

  /** get returns key's value, loading it with load (kept ttlMs(value) ms) when absent or stale. */
  get(key: string, load: () => Promise<V>, ttlMs: (value: V) => number): Promise<V> {
    const at = this.now();
    for (const kept of [this.found, this.missing]) {
      const hit = kept.get(key);
      if (!hit) continue;
      kept.delete(key);
      if (hit.expiresAt > at) {
        // Map order is the LRU order: re-inserting moves the key to the newest end.
        kept.set(key, hit);
        return Promise.resolve(hit.value);
      }
    }
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const value = load();
    this.loading.set(key, value);
    value.then(
      (loaded) => {
        // Forgotten (delete) while loading: the value may predate the change; keep nothing.
        if (this.loading.get(key) !== value) return;
        this.loading.delete(key);
        const miss = this.options.isMiss?.(loaded) ?? false;
        const kept = miss ? this.missing : this.found;
        kept.set(key, { value: loaded, expiresAt: this.now() + ttlMs(loaded) });
        const bound = miss
          ? (this.options.maxMisses ?? this.options.maxEntries)
          : this.options.maxEntries;
        while (kept.size > bound) {
          const oldest = kept.keys().next();
          if (oldest.done) break;
          kept.delete(oldest.value);
        }
      },
      () => {
        if (this.loading.get(key) === value) this.loading.delete(key);
      },
    );
    return value;
  }

  /** delete forgets key, and a load of it in flight (the thing changed). */
  delete(key: string): void {
    this.found.delete(key);
    this.missing.delete(key);
    this.loading.delete(key);
  }

  /** size is how many values are kept, found and missing (expired ones until touched). */
  get size(): number {
    return this.found.size + this.missing.size;
  }
}
