import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { isIPv4 } from "node:net";
import type { Registry } from "prom-client";

/** RouteRequest is the part of an HTTP/1 or HTTP/2 request a route reads. */
export interface RouteRequest {
  url?: string;
  headers: IncomingHttpHeaders;
  /** The peer: who /metrics answers without a token. */
  socket?: { remoteAddress?: string };
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

/** MetricsHandlerDeps are the registry served and who may read it. */
export interface MetricsHandlerDeps {
  registry: Pick<Registry, "metrics" | "contentType">;
  /** METRICS_TOKEN: when set, only `Authorization: Bearer <token>` is answered, others 401. */
  token?: string;
  /**
   * Who is answered when there is no token: "loopback" (the default) only a client on this
   * machine that no proxy forwarded, since the port also serves the public; "anyone" every
   * client that can reach the port, for a port that only a private network reaches (a worker's
   * METRICS_PORT, which Prometheus scrapes from another container).
   */
  withoutToken?: "loopback" | "anyone";
}

/**
 * createMetricsHandler serves GET /metrics in the Prometheus text format. With a token the
 * bearer credentials are compared in constant time (over their SHA-256, so that not even the
 * token's length leaks through timing). Without one it answers loopback clients only (unless
 * told `withoutToken: "anyone"`), and others 403 saying to set METRICS_TOKEN.
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
    if (!expected && deps.withoutToken !== "anyone" && !isLocalUnproxied(req)) {
      res.writeHead(403, { "content-type": "text/plain; charset=utf-8" });
      res.end(
        "403 forbidden: without METRICS_TOKEN, /metrics answers only this machine; set METRICS_TOKEN (16+ characters) to scrape it from elsewhere\n",
      );
      return true;
    }
    const body = await deps.registry.metrics();
    res.writeHead(200, { "content-type": deps.registry.contentType, "cache-control": "no-store" });
    res.end(body);
    return true;
  };
}

/**
 * A reverse proxy on this host connects from loopback too, on behalf of anyone: a request it
 * forwarded (it says so in one of these headers) is not local. A proxy that forwards without
 * saying so cannot be told apart: set METRICS_TOKEN behind one.
 */
const FORWARDED_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"] as const;

function isLocalUnproxied(req: RouteRequest): boolean {
  if (FORWARDED_HEADERS.some((name) => req.headers[name] !== undefined)) return false;
  const peer = req.socket?.remoteAddress ?? "";
  const v4 = peer.startsWith("::ffff:") ? peer.slice("::ffff:".length) : peer;
  return peer === "::1" || (isIPv4(v4) && v4.startsWith("127."));
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
