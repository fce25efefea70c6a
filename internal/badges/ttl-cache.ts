/**
 * TtlCache is a bounded map whose entries expire: the least recently used entry goes first
 * when it is full. It holds promises, so concurrent misses of one key share one load.
 */
export interface TtlCache<V> {
  /** get returns the cached value of key, or loads, caches and returns it. */
  get(key: string, load: () => Promise<V>): Promise<V>;
  /** size is how many entries are held (expired ones included until touched or evicted). */
  readonly size: number;
}

interface Entry<V> {
  value: Promise<V>;
  expiresAt: number;
}

/**
 * createTtlCache makes a cache of at most maxEntries entries, each kept ttlMs after its load
 * started. A load that fails is forgotten at once: the next request tries again.
 */
export function createTtlCache<V>(options: {
  maxEntries: number;
  ttlMs: number;
  now?: () => number;
}): TtlCache<V> {
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently
  // used entry first, where eviction takes it.
  const entries = new Map<string, Entry<V>>();
  return {
    get(key, load) {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        if (hit.expiresAt > now()) {
          entries.set(key, hit);
          return hit.value;
        }
      }
      const value = load();
      const entry = { value, expiresAt: now() + options.ttlMs };
      entries.set(key, entry);
      while (entries.size > options.maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      return value;
    },
    get size() {
      return entries.size;
    },
  };
}
