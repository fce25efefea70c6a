import { TtlCache } from "../../core/ttl-cache.js";
import { connection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import * as q from "./public-page.queries.js";

/** DOMAIN_TTL_MS is how long a domain's page (or its absence) is believed. */
const DOMAIN_TTL_MS = 30_000;
/** DOMAIN_CACHE_ENTRIES bounds the map: Host headers are the stranger's to choose. */
const DOMAIN_CACHE_ENTRIES = 1000;

/**
 * hostName is a request's Host header as status_page_domains stores names: lower case, without
 * the port; undefined when it cannot be a DNS name (never looked up).
 */
export function hostName(header: string | undefined): string | undefined {
  if (!header || header.length > 260) return undefined;
  const name = header
    .toLowerCase()
    .replace(/:\d{1,5}$/, "")
    .replace(/\.$/, "");
  return /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/.test(name) ? name : undefined;
}

/** DomainMap tells which page, if any, a host name serves. */
export interface DomainMap {
  /** slugOf is the slug of the page served at domain (a hostName), or null. */
  slugOf(domain: string): Promise<string | null>;
}

/** createDomainMap reads status_page_domains, remembering answers for DOMAIN_TTL_MS. */
export function createDomainMap(db: Queryable, now: () => number = Date.now): DomainMap {
  const cache = new TtlCache<string | null>({
    maxEntries: DOMAIN_CACHE_ENTRIES,
    isMiss: (slug) => slug === null,
    now,
  });
  return {
    slugOf: (domain) =>
      cache.get(
        domain,
        async () => {
          const [row] = await q.findPageSlugByDomain.run({ domain }, connection(db));
          return row?.slug ?? null;
        },
        () => DOMAIN_TTL_MS,
      ),
  };
}
