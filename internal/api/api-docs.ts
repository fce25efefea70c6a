import { readFile } from "node:fs/promises";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { SECURITY_HEADERS } from "./web-assets.js";

/**
 * ApiDocsFiles are the two files the API documentation is made of: the OpenAPI document that
 * `npm run generate` writes (gen/openapi/openapi.json) and Scalar's standalone viewer
 * (@scalar/api-reference's dist/browser/standalone.js). `npm run build:docs` copies both to
 * dist/docs, since the image has no dev dependencies; tests point at the sources.
 */
export interface ApiDocsFiles {
  document: string;
  viewer: string;
}

/** The parts of a request and response the docs handler uses (as in web-assets.ts). */
interface DocsRequest {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
}
interface DocsResponse {
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown;
  end(body: Buffer | string): unknown;
}

/** ApiDocs serves /openapi.json and the viewer at /docs, to anyone: they hold no data. */
export interface ApiDocs {
  /** handle answers GET/HEAD of its three paths; false for any other request. */
  handle(req: DocsRequest, res: DocsResponse): Promise<boolean>;
}

/** The viewer's script path, under /docs so that the page can name it relatively. */
const VIEWER_PATH = "/docs/scalar.js";

/**
 * VIEWER_CONFIGURATION keeps the viewer on this origin and to the document: no fonts from
 * Scalar's CDN, no telemetry, none of its hosted extras (developer toolbar, AI agent, the link
 * to its hosted API client: the page's own "Test Request" stays). Requests
 * it would send elsewhere are refused by the page's policy anyway (SECURITY_HEADERS:
 * connect-src 'self').
 */
const VIEWER_CONFIGURATION = {
  withDefaultFonts: false,
  telemetry: false,
  showDeveloperTools: "never",
  agent: { disabled: true },
  hideClientButton: true,
};

/**
 * DOCS_PAGE is /docs. Scalar's standalone script reads the document's URL and its configuration
 * from the empty #api-reference element: no inline script, so the dashboard's strict policy
 * (script-src 'self') holds here too.
 */
const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pulsar API</title>
<link rel="icon" href="data:,">
</head>
<body>
<noscript>The API reference needs JavaScript; the document itself is at <a href="/openapi.json">/openapi.json</a>.</noscript>
<script id="api-reference" data-url="/openapi.json" data-configuration="${JSON.stringify(VIEWER_CONFIGURATION).replaceAll('"', "&quot;")}"></script>
<script src="${VIEWER_PATH}"></script>
</body>
</html>
`;

interface Served {
  body: Buffer;
  gzipped: Buffer;
  contentType: string;
}

/**
 * createApiDocs serves the documentation from files, read and gzipped once, on first request:
 * an API that nobody asks for its docs never reads the 5 MB viewer. A missing file answers as
 * an unknown path (the API's 404), like a missing dashboard.
 */
export function createApiDocs(files: ApiDocsFiles): ApiDocs {
  const served = new Map<string, Promise<Served | undefined>>();
  const sources: Readonly<Record<string, () => Promise<Served>>> = {
    "/openapi.json": () => fromFile(files.document, "application/json"),
    [VIEWER_PATH]: () => fromFile(files.viewer, "text/javascript; charset=utf-8"),
    "/docs": () => compressed(Buffer.from(DOCS_PAGE), "text/html; charset=utf-8"),
  };
  const load = (path: string) => {
    let found = served.get(path);
    if (!found) {
      const source = sources[path];
      found = source ? source().catch(() => undefined) : Promise.resolve(undefined);
      // A failed read is tried again next time (the build may have finished since).
      found.then((file) => file || served.delete(path));
      served.set(path, found);
    }
    return found;
  };

  return {
    async handle(req, res) {
      if (req.method !== "GET" && req.method !== "HEAD") return false;
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      const key = path === "/docs/" ? "/docs" : path;
      if (!(key in sources)) return false;
      const file = await load(key);
      if (!file) return false;
      const gzipOk = (req.headers["accept-encoding"] ?? "").includes("gzip");
      const body = gzipOk ? file.gzipped : file.body;
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        "content-type": file.contentType,
        "content-length": body.length,
        "cache-control": "no-cache",
        vary: "accept-encoding",
        ...(gzipOk && { "content-encoding": "gzip" }),
      });
      res.end(req.method === "HEAD" ? "" : body);
      return true;
    },
  };
}

async function fromFile(path: string, contentType: string): Promise<Served> {
  return compressed(await readFile(path), contentType);
}

// Off the event loop (libuv's pool): the viewer takes a few hundred milliseconds at level 9.
const gzipAsync = promisify(gzip);

async function compressed(body: Buffer, contentType: string): Promise<Served> {
  return { body, gzipped: await gzipAsync(body, { level: 9 }), contentType };
}
