import { readFileSync } from "node:fs";

/** SearchList is what resolv.conf(5) says about names that are not fully qualified. */
export interface SearchList {
  /** Domains tried after a short name, in order (`search`, or `domain`). */
  readonly domains: readonly string[];
  /** A name with fewer dots than this is tried with the domains first (`options ndots:n`). */
  readonly ndots: number;
}

/** NO_SEARCH makes every name absolute. */
export const NO_SEARCH: SearchList = { domains: [], ndots: 1 };

/**
 * parseResolvConf reads the search domains and ndots of resolv.conf text. As in glibc, the last
 * `search` or `domain` line wins, and ndots is capped at 15.
 */
export function parseResolvConf(text: string): SearchList {
  let domains: string[] = [];
  let ndots = 1;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/[#;].*$/, "").trim();
    const [keyword, ...args] = line.split(/\s+/);
    if (keyword === "search" || keyword === "domain") {
      domains = args.map((d) => d.toLowerCase().replace(/\.$/, "")).filter((d) => d !== "");
    } else if (keyword === "options") {
      for (const option of args) {
        const match = /^ndots:(\d+)$/.exec(option);
        if (match?.[1] !== undefined) ndots = Math.min(15, Number(match[1]));
      }
    }
  }
  return { domains, ndots };
}

/** readSearchList reads /etc/resolv.conf (or `path`); no file means no search list. */
export function readSearchList(path = "/etc/resolv.conf"): SearchList {
  try {
    return parseResolvConf(readFileSync(path, "utf8"));
  } catch {
    return NO_SEARCH;
  }
}

/**
 * candidateNames lists the names to ask DNS for `name`, in order. A name ending in "." is
 * absolute. One with fewer dots than ndots is tried under each search domain first, then as it
 * is, as getaddrinfo does (so `http://api:8080/` in a Kubernetes pod still finds its service).
 * One with more dots is tried only as it is: unlike glibc, no search domain is tried after it
 * fails, so a mistyped public name costs one lookup, not one per search domain.
 */
export function candidateNames(name: string, search: SearchList): string[] {
  if (name.endsWith(".")) return [name.slice(0, -1)];
  const dots = name.split(".").length - 1;
  if (dots >= search.ndots || search.domains.length === 0) return [name];
  return [...search.domains.map((domain) => `${name}.${domain}`), name];
}
