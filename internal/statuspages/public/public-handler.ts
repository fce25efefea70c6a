import { createHash } from "node:crypto";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { gzipSync } from "node:zlib";
import { TtlCache } from "../../core/ttl-cache.js";
import type { Queryable } from "../../db/pool.js";
import { STATUS_ASSETS } from "./assets.js";
import { createDomainMap, type DomainMap, hostName } from "./domain-map.js";
import { loadPublicPage } from "./load-page.js";
import type { PublicPage } from "./model.js";
import { renderAtom } from "./render-atom.js";
import { renderNotFoundHtml, renderPageHtml } from "./render-html.js";
import { renderSummary } from "./render-summary.js";

/** PAGE_TTL_MS is how long a rendered page is served before it is read again: shorter than the
 *  shortest check interval (10 s), so a monitor going down shows within about one interval. */
export const PAGE_TTL_MS = 10_000;
/** MISSING_TTL_MS is how long "no such page" is remembered. */
const MISSING_TTL_MS = 5_000;
/** PAGE_CACHE_ENTRIES bounds the pages (and misses) kept in memory. */
const PAGE_CACHE_ENTRIES = 1000;
const SLUG = /^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$/;

/**
 * PUBLIC_HEADERS go with every public answer. The policy is tighter than the dashboard's: no
 * inline script or style at all (the page has neither), images from https (the logo), and no
 * Referer sent with the logo's request. Only the dashboard's own origin may frame a page (its
 * live preview, a sandboxed iframe); other sites may not.
 */
export const PUBLIC_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "SAMEORIGIN",
};

type Kind = "html" | "summary" | "atom";

const CONTENT_TYPES: Record<Kind, string> = {
  html: "text/html; charset=utf-8",
  summary: "application/json; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
};

interface Rendered {
  body: Buffer;
  gzipped: Buffer | undefined;
  etag: string;
  contentType: string;
}

/** The parts of a request and response the handler uses (node:http's fit). */
interface PublicRequest {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
}
interface PublicResponse {
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown;
  end(body: Buffer | string): unknown;
}

/** StatusPagesDeps are what the public pages read. */
export interface StatusPagesDeps {
  pool: Queryable;
  /** PUBLIC_URL: absolute page addresses in summary.json and the feed, and the API's own host
   *  (never looked up as a custom domain). Absent: paths. */
  publicUrl?: string;
  /** Tests move the clock. */
  now?: () => number;
}

/** StatusPages serves the public pages; handle is false for requests that are not theirs. */
export interface StatusPages {
  handle(req: PublicRequest, res: PublicResponse): Promise<boolean>;
  /**
   * forget drops this process's rendering of slug, so the next request reads it again: for a
   * page just changed or deleted here (other API processes follow within PAGE_TTL_MS).
   */
  forget(slug: string): void;
}

/**
 * createStatusPages serves /status/<slug> (HTML), /status/<slug>/summary.json,
 * /status/<slug>/feed.atom, /status/assets/*, /status/_domain-check?domain= (Caddy's on-demand
 * TLS "ask"), and a page's custom domains at their root. GET and HEAD only. Each page is read
 * and rendered at most once per PAGE_TTL_MS however many ask, and answered with an ETag.
 */
export function createStatusPages(deps: StatusPagesDeps): StatusPages {
  const now = deps.now ?? Date.now;
  const publicUrl = deps.publicUrl?.replace(/\/+$/, "");
  const ownHost = publicUrl ? hostName(new URL(publicUrl).host) : undefined;
  const domains: DomainMap = createDomainMap(deps.pool, now);
  interface Entry {
    page: PublicPage | undefined;
    outputs: Map<string, Rendered>;
  }
  const pages = new TtlCache<Entry>({
    maxEntries: PAGE_CACHE_ENTRIES,
    isMiss: (entry) => entry.page === undefined,
    now,
  });
  const load = (slug: string) =>
    pages.get(
      slug,
      async () => ({
        page: await loadPublicPage(deps.pool, slug, new Date(now())),
        outputs: new Map(),
      }),
      (entry) => (entry.page ? PAGE_TTL_MS : MISSING_TTL_MS),
    );

  const render = async (slug: string, kind: Kind, base: string, url: string) => {
    const entry = await load(slug);
    if (!entry.page) return undefined;
    // The outputs of one entry are bounded: 3 kinds × (the page's path + its ≤5 domains).
    const key = `${kind} ${base} ${url}`;
    let out = entry.outputs.get(key);
    if (!out) {
      const text =
        kind === "html"
          ? renderPageHtml(entry.page, base)
          : kind === "summary"
            ? renderSummary(entry.page, url)
            : renderAtom(entry.page, url);
      out = rendered(text, CONTENT_TYPES[kind]);
      entry.outputs.set(key, out);
    }
    return out;
  };

  const servePage = async (
    req: PublicRequest,
    res: PublicResponse,
    slug: string,
    kind: Kind,
    base: string,
    url: string,
  ) => {
    const out = await render(slug, kind, base, url);
    if (!out) return send(req, res, 404, NOT_FOUND, "no-cache");
    send(req, res, 200, out, "public, max-age=30");
  };

  return {
    forget: (slug) => pages.delete(slug),
    async handle(req, res) {
      const target = parseTarget(req.url);
      if (!target) return false;
      const { path } = target;
      if (path === "/status" || path.startsWith("/status/")) {
        if (req.method !== "GET" && req.method !== "HEAD") {
          res.writeHead(405, { ...PUBLIC_HEADERS, allow: "GET, HEAD", "content-length": 0 });
          res.end("");
          return true;
        }
        const rest = path.slice("/status/".length);
        if (rest.startsWith("assets/")) {
          const found = STATUS_ASSETS.get(rest.slice("assets/".length));
          if (!found) send(req, res, 404, NOT_FOUND, "no-cache");
          else send(req, res, 200, assetRendered(found), "public, max-age=31536000, immutable");
          return true;
        }
        if (rest === "_domain-check") {
          const domain = hostName(target.query.get("domain") ?? undefined);
          const known = domain !== undefined && (await domains.slugOf(domain)) !== null;
          res.writeHead(known ? 200 : 404, {
            ...PUBLIC_HEADERS,
            "content-type": "text/plain; charset=utf-8",
            "cache-control": "no-store",
          });
          res.end(req.method === "HEAD" ? "" : known ? "ok\n" : "unknown domain\n");
          return true;
        }
        const match = /^([^/]+)(?:\/(summary\.json|feed\.atom)?)?$/.exec(rest);
        const slug = match?.[1];
        if (!match || !slug || !SLUG.test(slug)) {
          send(req, res, 404, NOT_FOUND, "no-cache");
          return true;
        }
        const base = `/status/${slug}`;
        await servePage(req, res, slug, kindOf(match[2]), base, `${publicUrl ?? ""}${base}`);
        return true;
      }
      // A custom domain: its root, summary and feed are the page's; any other path (and any
      // host that is no page's) goes on to the dashboard.
      const kind = DOMAIN_PATHS.get(path);
      if (kind === undefined) return false;
      const host = hostName(req.headers.host);
      if (!host || host === ownHost) return false;
      const slug = await domains.slugOf(host);
      if (slug === null) return false;
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { ...PUBLIC_HEADERS, allow: "GET, HEAD", "content-length": 0 });
        res.end("");
        return true;
      }
      await servePage(req, res, slug, kind, "", `https://${host}/`);
      return true;
    },
  };
}

const DOMAIN_PATHS = new Map<string, Kind>([
  ["/", "html"],
  ["/summary.json", "summary"],
  ["/feed.atom", "atom"],
]);

function kindOf(file: string | undefined): Kind {
  if (file === "summary.json") return "summary";
  if (file === "feed.atom") return "atom";
  return "html";
}

const NOT_FOUND = rendered(renderNotFoundHtml(), CONTENT_TYPES.html);

function rendered(text: string, contentType: string): Rendered {
  const body = Buffer.from(text, "utf8");
  return {
    body,
    gzipped: body.length > 1024 ? gzipSync(body, { level: 6 }) : undefined,
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
    contentType,
  };
}

const assetCache = new WeakMap<object, Rendered>();
function assetRendered(found: {
  body: Buffer;
  gzipped: Buffer;
  contentType: string;
  version: string;
}): Rendered {
  let out = assetCache.get(found);
  if (!out) {
    out = {
      body: found.body,
      gzipped: found.gzipped,
      etag: `"${found.version}"`,
      contentType: found.contentType,
    };
    assetCache.set(found, out);
  }
  return out;
}

/** send answers with out: 304 when the client holds its ETag, gzip when accepted, no body for
 *  HEAD. JSON may be read cross-origin (status aggregators, other sites' widgets). */
function send(
  req: PublicRequest,
  res: PublicResponse,
  status: number,
  out: Rendered,
  cacheControl: string,
): void {
  const common: OutgoingHttpHeaders = {
    ...PUBLIC_HEADERS,
    etag: out.etag,
    "cache-control": cacheControl,
    vary: "accept-encoding",
    ...(out.contentType.startsWith("application/json") && { "access-control-allow-origin": "*" }),
  };
  if (status === 200 && matches(req.headers["if-none-match"], out.etag)) {
    res.writeHead(304, common);
    res.end("");
    return;
  }
  const gzip =
    out.gzipped !== undefined && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  const body = gzip && out.gzipped ? out.gzipped : out.body;
  res.writeHead(status, {
    ...common,
    "content-type": out.contentType,
    "content-length": body.length,
    ...(gzip && { "content-encoding": "gzip" }),
  });
  res.end(req.method === "HEAD" ? "" : body);
}

/** matches tells whether an If-None-Match header names etag (weakly, as RFC 9110 says). */
function matches(header: string | string[] | undefined, etag: string): boolean {
  if (typeof header !== "string" || header.length > 2048) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/** parseTarget is the request's decoded path and query; undefined when it cannot be read. */
function parseTarget(
  url: string | undefined,
): { path: string; query: URLSearchParams } | undefined {
  if (!url || url.length > 4096) return undefined;
  try {
    const parsed = new URL(url, "http://localhost");
    return { path: decodeURIComponent(parsed.pathname), query: parsed.searchParams };
  } catch {
    return undefined;
  }
}
