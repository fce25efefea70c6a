/**
 * TtlCache keeps up to maxEntries values for ttlMs each, the least recently used dropped first,
 * and loads a missing value once however many ask for it at the same time (a burst of strangers
 * on a page costs one render). A failed load is not kept. Keys come from strangers: the bound
 * is what keeps them from growing memory.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { expiresAt: number; value: Promise<V> }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** get returns key's value, loading it with load (kept ttlMs(value) ms) when absent or stale. */
  get(key: string, load: () => Promise<V>, ttlMs: (value: V) => number): Promise<V> {
    const found = this.entries.get(key);
    const at = this.now();
    if (found && found.expiresAt > at) {
      // Map order is the LRU order: move the key to the newest end.
      this.entries.delete(key);
      this.entries.set(key, found);
      return found.value;
    }
    const value = load();
    // Until it settles, the load itself is shared; then it lives for its own TTL.
    const entry = { expiresAt: Number.POSITIVE_INFINITY, value };
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    value.then(
      (v) => {
        entry.expiresAt = this.now() + ttlMs(v);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }

  /** delete forgets key (a page changed). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** size is how many entries are kept. */
  get size(): number {
    return this.entries.size;
  }
}
