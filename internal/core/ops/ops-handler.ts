import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logger.js";
import type { RouteHandler } from "./metrics-handler.js";

/**
 * createOpsHandler is the request listener of a worker's operations port (METRICS_PORT): each
 * route in turn (/metrics, /healthz and /readyz), 404 for anything else, 500 when a route
 * fails. The routes are passed in (createMetricsHandler, internal/core/ops/health.ts) so that this
 * folder depends on neither the API nor the databases.
 */
export function createOpsHandler(
  routes: readonly RouteHandler[],
  log: Logger,
): (req: IncomingMessage, res: ServerResponse) => void {
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    for (const route of routes) if (await route(req, res)) return;
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end(`404 not found: ${req.url?.split("?")[0]}\n`);
  };
  return (req, res) => {
    serve(req, res).catch((error: unknown) => {
      log.error("serving an operations request failed", { url: req.url, error });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
}
