import { createHash } from "node:crypto";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { makeBadge } from "badge-maker";
import { TtlCache } from "../core/ttl-cache.js";
import type { Queryable } from "../db/pool.js";
import { badgeContent } from "./badge-content.js";
import { type BadgeFacts, loadBadgeFacts } from "./badge-facts.js";
import { BADGE_PATH_PREFIX, parseBadgeRequest } from "./badge-request.js";

/**
 * InMaintenance says whether a monitor is in an open maintenance window at a time
 * (internal/maintenance); badges show "maintenance" then.
 */
export type InMaintenance = (monitor: { id: string; orgId: string }, at: Date) => Promise<boolean>;

/** BadgeHandlerDeps are what the badge routes read; the caller owns the pool. */
export interface BadgeHandlerDeps {
  pool: Queryable;
  /** Absent: no monitor is ever shown in maintenance. */
  inMaintenance?: InMaintenance;
  /** Cache bounds: BADGE_CACHE_ENTRIES and BADGE_CACHE_TTL_MS when absent. */
  cacheEntries?: number;
  cacheTtlMs?: number;
  now?: () => Date;
}

/** The parts of an HTTP/1 or HTTP/2 request and response the badge routes use. */
interface BadgeHttpRequest {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
}
interface BadgeHttpResponse {
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown;
  end(body: string): unknown;
}

/** BadgeHandler answers the public badge routes. */
export interface BadgeHandler {
  /** handle answers a request under /badge/; false when the path is not one of its. */
  handle(req: BadgeHttpRequest, res: BadgeHttpResponse): Promise<boolean>;
}

/** BADGE_CACHE_ENTRIES bounds the monitors whose facts are held: about 1 KB each. */
export const BADGE_CACHE_ENTRIES = 10_000;
/** BADGE_CACHE_TTL_MS is how long a monitor's facts are reused, as long as clients may cache. */
export const BADGE_CACHE_TTL_MS = 60_000;

// One answer for every id that names no public badge, whatever the reason: an unknown id, a
// malformed one, and a monitor that has not opted in cannot be told apart by a stranger.
const NOT_FOUND_BODY = JSON.stringify({ code: "not_found", message: "no such badge" });

// Badges are embedded by other sites (READMEs, status boards): cacheable by anyone for as long
// as the facts are, loadable cross-origin, never sniffed as anything but an image, and with no
// script or fetch allowed should one be opened directly.
const SVG_HEADERS = {
  "content-type": "image/svg+xml; charset=utf-8",
  "cache-control": `public, max-age=${BADGE_CACHE_TTL_MS / 1000}`,
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
  "cross-origin-resource-policy": "cross-origin",
} as const;

interface CachedFacts {
  facts: BadgeFacts;
  inMaintenance: boolean;
}

/**
 * createBadgeHandler serves /badge/<publicId>/<kind>.svg to anyone, GET and HEAD only. A
 * monitor's facts are read once per TTL (one query, shared by concurrent requests) into a
 * bounded cache; the SVG's hash is its ETag, and a matching If-None-Match gets 304.
 */
export function createBadgeHandler(deps: BadgeHandlerDeps): BadgeHandler {
  const now = deps.now ?? (() => new Date());
  const cache = new TtlCache<CachedFacts | undefined>({
    maxEntries: deps.cacheEntries ?? BADGE_CACHE_ENTRIES,
    isMiss: (facts) => facts === undefined,
    now: () => now().getTime(),
  });
  const ttlMs = () => deps.cacheTtlMs ?? BADGE_CACHE_TTL_MS;
  const load = async (publicId: string): Promise<CachedFacts | undefined> => {
    const at = now();
    const facts = await loadBadgeFacts(deps.pool, publicId, at);
    if (!facts) return undefined;
    const inMaintenance =
      facts.enabled && deps.inMaintenance
        ? await deps.inMaintenance({ id: facts.monitorId, orgId: facts.orgId }, at)
        : false;
    return { facts, inMaintenance };
  };

  return {
    async handle(req, res) {
      const url = new URL(req.url ?? "/", "http://badge.invalid");
      if (!url.pathname.startsWith(BADGE_PATH_PREFIX)) return false;
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" });
        res.end(JSON.stringify({ code: "method_not_allowed", message: "use GET or HEAD" }));
        return true;
      }
      const parsed = parseBadgeRequest(url);
      if (!parsed.ok && !parsed.notFound) {
        const body = JSON.stringify({
          code: "invalid_argument",
          message: `${parsed.field} ${parsed.message}`,
        });
        res.writeHead(400, { "content-type": "application/json", "cache-control": "no-store" });
        res.end(req.method === "HEAD" ? "" : body);
        return true;
      }
      const found = parsed.ok
        ? await cache.get(parsed.request.publicId, () => load(parsed.request.publicId), ttlMs)
        : undefined;
      if (!parsed.ok || !found) {
        res.writeHead(404, {
          "content-type": "application/json",
          "cache-control": "no-store",
          "content-length": Buffer.byteLength(NOT_FOUND_BODY),
        });
        res.end(req.method === "HEAD" ? "" : NOT_FOUND_BODY);
        return true;
      }
      const { kind, style, label } = parsed.request;
      const svg = makeBadge({
        ...badgeContent(kind, found.facts, found.inMaintenance, label),
        style,
      });
      const etag = `"${createHash("sha256").update(svg).digest("base64url").slice(0, 27)}"`;
      if (matchesEtag(req.headers["if-none-match"], etag)) {
        res.writeHead(304, { etag, "cache-control": SVG_HEADERS["cache-control"] });
        res.end("");
        return true;
      }
      res.writeHead(200, { ...SVG_HEADERS, etag, "content-length": Buffer.byteLength(svg) });
      res.end(req.method === "HEAD" ? "" : svg);
      return true;
    },
  };
}

/** matchesEtag applies If-None-Match's weak comparison (RFC 9110 §13.1.2) to one ETag. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
