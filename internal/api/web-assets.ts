import { readFile, stat } from "node:fs/promises";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { gzip } from "node:zlib";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

const COMPRESSIBLE = new Set([".html", ".js", ".css", ".svg", ".json", ".txt"]);

/**
 * SECURITY_HEADERS go with every page and asset. The policy allows only this origin: scripts,
 * the Connect API and the WebSocket; inline styles are allowed because the charts set them.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
};

/** The parts of an HTTP/1 or HTTP/2 request and response the assets handler uses. */
interface AssetRequest {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
}
interface AssetResponse {
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown;
  end(body: Buffer | string): unknown;
}

interface Asset {
  body: Buffer;
  gzipped: Buffer | undefined;
  contentType: string;
  immutable: boolean;
}

/**
 * WebAssets serves the built dashboard (Vite's output): hashed files under /assets/ are cached
 * for a year, anything else that is not a file gets index.html so the app's own routes work on
 * reload. Files are read once and kept in memory, gzipped when that helps (the whole app is a
 * few hundred KB).
 */
export interface WebAssets {
  /** handle answers GET/HEAD for the app; false when the request is not for it. */
  handle(req: AssetRequest, res: AssetResponse): Promise<boolean>;
}

/** createWebAssets serves the directory `root` (dist/web); it may not exist (API-only). */
export function createWebAssets(root: string): WebAssets {
  const cache = new Map<string, Promise<Asset | undefined>>();

  const load = (path: string): Promise<Asset | undefined> => {
    let asset = cache.get(path);
    if (!asset) {
      asset = readAsset(root, path);
      cache.set(path, asset);
      // Only files are kept: probes for arbitrary paths must not grow the cache.
      asset.then((found) => found || cache.delete(path)).catch(() => cache.delete(path));
    }
    return asset;
  };

  return {
    async handle(req, res) {
      if (req.method !== "GET" && req.method !== "HEAD") return false;
      const pathname = decodePath(req.url);
      if (pathname === undefined) return false;
      let asset = await load(pathname === "/" ? "/index.html" : pathname);
      // An app route (/monitors/abc) is not a file: the app itself renders it.
      if (!asset && !extname(pathname) && accepts(req, "text/html"))
        asset = await load("/index.html");
      if (!asset) return false;
      const gzipOk = asset.gzipped !== undefined && accepts(req, "gzip", "accept-encoding");
      const body = gzipOk && asset.gzipped ? asset.gzipped : asset.body;
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        "content-type": asset.contentType,
        "content-length": body.length,
        "cache-control": asset.immutable ? "public, max-age=31536000, immutable" : "no-cache",
        vary: "accept-encoding",
        ...(gzipOk && { "content-encoding": "gzip" }),
      });
      res.end(req.method === "HEAD" ? "" : body);
      return true;
    },
  };
}

async function readAsset(root: string, path: string): Promise<Asset | undefined> {
  // normalize() resolves "..": whatever remains must still be inside root.
  const file = join(root, normalize(path));
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const body = await readFile(file);
  const extension = extname(file);
  const gzipped =
    COMPRESSIBLE.has(extension) && body.length > 1024
      ? await new Promise<Buffer>((resolve, reject) =>
          gzip(body, { level: 9 }, (error, out) => (error ? reject(error) : resolve(out))),
        )
      : undefined;
  return {
    body,
    gzipped,
    contentType: CONTENT_TYPES[extension] ?? "application/octet-stream",
    immutable: path.startsWith("/assets/"),
  };
}

/** decodePath is the request's decoded path; undefined when it is not valid percent-encoding. */
function decodePath(url: string | undefined): string | undefined {
  try {
    return decodeURIComponent(new URL(url ?? "/", "http://localhost").pathname);
  } catch {
    return undefined;
  }
}

function accepts(req: AssetRequest, value: string, header = "accept"): boolean {
  const text = req.headers[header];
  return typeof text === "string" && text.includes(value);
}
