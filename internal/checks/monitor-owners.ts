/** MonitorOwnerLookup finds the organization of each monitor id that still exists. */
export type MonitorOwnerLookup = (ids: readonly string[]) => Promise<Map<string, string>>;

/** MonitorOwners answers which organization each monitor belongs to, from a cache. */
export interface MonitorOwners {
  /** ownersOf maps each id to its organization; ids of deleted monitors are absent. */
  ownersOf(ids: readonly string[]): Promise<Map<string, string>>;
}

/**
 * createMonitorOwners caches a lookup of monitors' organizations for the stream publisher. A
 * monitor never changes organization, so an entry never goes stale: it is only ever looked up
 * for results of the monitor, which stop when it is deleted. Absent ids are not cached (a
 * deleted monitor's last results are rare), and past maxEntries the cache starts over rather
 * than growing with every monitor ever checked.
 */
export function createMonitorOwners(
  lookup: MonitorOwnerLookup,
  maxEntries = 100_000,
): MonitorOwners {
  const cache = new Map<string, string>();
  return {
    async ownersOf(ids) {
      const owners = new Map<string, string>();
      const missing: string[] = [];
      for (const id of ids) {
        const orgId = cache.get(id);
        if (orgId !== undefined) owners.set(id, orgId);
        else missing.push(id);
      }
      if (missing.length === 0) return owners;
      const found = await lookup(missing);
      if (cache.size + found.size > maxEntries) cache.clear();
      for (const [id, orgId] of found) {
        cache.set(id, orgId);
        owners.set(id, orgId);
      }
      return owners;
    },
  };
}
