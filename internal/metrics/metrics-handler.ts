import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Registry } from "prom-client";

/** RouteRequest is the part of an HTTP/1 or HTTP/2 request a route reads. */
export interface RouteRequest {
  url?: string;
  headers: IncomingHttpHeaders;
}

/** RouteResponse is the part of an HTTP/1 or HTTP/2 response a route writes. */
export interface RouteResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body: string): unknown;
}

/** RouteHandler serves the requests of its path and answers true, or false for other paths. */
export type RouteHandler = (req: RouteRequest, res: RouteResponse) => Promise<boolean>;

/** METRICS_PATH is where the API and the worker serve their series. */
export const METRICS_PATH = "/metrics";

/** MetricsHandlerDeps are the registry served and the optional scrape token. */
export interface MetricsHandlerDeps {
  registry: Pick<Registry, "metrics" | "contentType">;
  /** METRICS_TOKEN: when set, only `Authorization: Bearer <token>` is answered, others 401. */
  token?: string;
}

/**
 * createMetricsHandler serves GET /metrics in the Prometheus text format. With a token the
 * bearer credentials are compared in constant time (over their SHA-256, so that not even the
 * token's length leaks through timing).
 */
export function createMetricsHandler(deps: MetricsHandlerDeps): RouteHandler {
  const expected = deps.token === undefined ? undefined : digest(`Bearer ${deps.token}`);
  return async (req, res) => {
    if (req.url?.split("?")[0] !== METRICS_PATH) return false;
    if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ""), expected)) {
      res.writeHead(401, {
        "content-type": "text/plain; charset=utf-8",
        "www-authenticate": 'Bearer realm="metrics"',
      });
      res.end("401 unauthorized: /metrics takes Authorization: Bearer <METRICS_TOKEN>\n");
      return true;
    }
    const body = await deps.registry.metrics();
    res.writeHead(200, { "content-type": deps.registry.contentType, "cache-control": "no-store" });
    res.end(body);
    return true;
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
