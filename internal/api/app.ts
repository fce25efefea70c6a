import type { IncomingMessage, ServerResponse } from "node:http";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Redis } from "ioredis";
import type pg from "pg";
import { HostService } from "../../gen/pulsar/v1/host_pb.js";
import { MonitorService } from "../../gen/pulsar/v1/monitor_pb.js";
import type { Logger } from "../log/logger.js";
import type { MonitorScheduler } from "../queue/schedules.js";
import { createHostService } from "../service/host-service.js";
import { createMonitorService } from "../service/monitor-service.js";
import { errorInterceptor } from "./errors.js";
import { createHealthHandler } from "./health.js";

/** ApiDeps are everything the API uses; the caller opens and closes them. */
export interface ApiDeps {
  pool: pg.Pool;
  redis: Pick<Redis, "ping">;
  scheduler: MonitorScheduler;
  log: Logger;
  /** SAMPLE_INTERVAL_MS of the workers' host samplers (default 2000): when a host is online. */
  sampleIntervalMs?: number;
}

/** Api is the HTTP request listener and the Connect routes it serves. */
export interface Api {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  routes: (router: ConnectRouter) => void;
}

/**
 * createApi builds the API without listening: Connect-RPC at the root path, /healthz and
 * /readyz beside it. Tests call it with real dependencies on port 0 or through an in-memory
 * transport over `routes`.
 */
export function createApi(deps: ApiDeps): Api {
  const routes = (router: ConnectRouter) => {
    router.service(MonitorService, createMonitorService(deps), {
      interceptors: [errorInterceptor(deps.log)],
    });
    router.service(
      HostService,
      createHostService({ pool: deps.pool, sampleIntervalMs: deps.sampleIntervalMs ?? 2000 }),
      { interceptors: [errorInterceptor(deps.log)] },
    );
  };
  const health = createHealthHandler({
    postgres: () => deps.pool.query("SELECT 1"),
    redis: () => deps.redis.ping(),
  });
  const connect = connectNodeAdapter({
    routes,
    fallback: (req, res) => {
      health(req, res).then(
        (handled) => {
          if (!handled) {
            res.writeHead(404, { "content-type": "application/json" });
            res.end(JSON.stringify({ code: "not_found", message: `no route for ${req.url}` }));
          }
        },
        (error: unknown) => {
          deps.log.error("health handler failed", { error });
          if (!res.headersSent) res.writeHead(500);
          res.end();
        },
      );
    },
  });
  return { handler: connect, routes };
}
