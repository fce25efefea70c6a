import type { IncomingMessage, ServerResponse } from "node:http";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Redis } from "ioredis";
import type pg from "pg";
import { AlertService } from "../../gen/pulsar/v1/alert_pb.js";
import { AuthService } from "../../gen/pulsar/v1/auth_pb.js";
import { HostService } from "../../gen/pulsar/v1/host_pb.js";
import { IngestService } from "../../gen/pulsar/v1/ingest_pb.js";
import { MonitorService } from "../../gen/pulsar/v1/monitor_pb.js";
import { sendToChannel } from "../alerts/send.js";
import { clientContextValues } from "../auth/client-info.js";
import { createIngestLimiter, type IngestLimits } from "../auth/ingest-limiter.js";
import type { ScryptParams } from "../auth/password.js";
import { createRevocationPublisher } from "../auth/revocations.js";
import { createSignInLimiter, type SignInLimits } from "../auth/sign-in-limiter.js";
import type { HostSampleStore } from "../hosts/sample-store.js";
import type { Logger } from "../log/logger.js";
import type { ApiMetrics } from "../metrics/api-metrics.js";
import { createMetricsHandler } from "../metrics/metrics-handler.js";
import { rpcMetricsInterceptor } from "../metrics/rpc-interceptor.js";
import type { MonitorScheduler } from "../queue/schedules.js";
import { createAlertService } from "../service/alert-service.js";
import { createAuthService } from "../service/auth-service.js";
import { createHostService } from "../service/host-service.js";
import { createIngestService } from "../service/ingest-service.js";
import { createMonitorService } from "../service/monitor-service.js";
import { createStreamPublisher, type StreamPublisher } from "../stream/publisher.js";
import { agentAuthInterceptor } from "./agent-auth-interceptor.js";
import { authInterceptor } from "./auth-interceptor.js";
import { errorInterceptor } from "./errors.js";
import { createHealthHandler } from "./health.js";
import { createWebAssets } from "./web-assets.js";

/** ApiDeps are everything the API uses; the caller opens and closes them. */
export interface ApiDeps {
  pool: pg.Pool;
  /** A command connection: health checks and the sign-in rate limits. */
  redis: Redis;
  /** Key prefix in Redis (QUEUE_PREFIX). */
  prefix: string;
  scheduler: MonitorScheduler;
  log: Logger;
  /** SAMPLE_INTERVAL_MS of the workers' host samplers (default 2000): when a host is online. */
  sampleIntervalMs?: number;
  /** PULSAR_SIGNUP; "open" when absent. */
  signup?: "open" | "closed";
  /** PULSAR_SHARED_HOSTS: hosts without an organization are visible to all. true when absent. */
  sharedHosts?: boolean;
  /** PULSAR_TRUST_PROXY: client IP and scheme from X-Forwarded-*. false when absent. */
  trustProxy?: boolean;
  /** Tests lower these: scrypt's cost and the sign-in limits. */
  passwordParams?: ScryptParams;
  signInLimits?: SignInLimits;
  /**
   * Where agents' samples go (IngestService): a host sample store and a stream publisher, the
   * same path as a worker's samples; the caller opens and closes them. Absent: IngestService is
   * not served (tests of other services). Tests lower the rate limits.
   */
  ingest?: {
    sampleStore: HostSampleStore;
    publisher: StreamPublisher;
    limits?: IngestLimits;
  };
  /** The built dashboard (dist/web); absent or missing: the API serves no pages. */
  webRoot?: string;
  /**
   * Alert channels (AlertService): PUBLIC_URL for the links in messages,
   * PULSAR_BLOCK_PRIVATE_TARGETS for the webhook URLs accepted, and, for tests only, plain
   * http://127.0.0.1 channel URLs (a local fake Discord). All off when absent.
   */
  alerts?: {
    publicUrl?: string;
    blockPrivateTargets?: boolean;
    allowInsecureChannelUrls?: boolean;
    /** How TestChannel posts: with PULSAR_BLOCK_PRIVATE_TARGETS, a guarded fetch
     *  (internal/netpolicy/guarded-fetch.ts) that the caller closes. */
    fetch?: typeof fetch;
  };
  /**
   * The API's series (internal/metrics): every RPC is counted and timed, and /metrics serves
   * the registry, only to `Authorization: Bearer <metricsToken>` when a token is set
   * (METRICS_TOKEN). Absent: no RPC metrics and no /metrics.
   */
  metrics?: ApiMetrics;
  metricsToken?: string;
}

/** INGEST_MAX_BYTES bounds one PushSamples request body (decompressed). */
const INGEST_MAX_BYTES = 8 * 1024 * 1024;

/** Api is the HTTP request listener and the Connect routes it serves. */
export interface Api {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  routes: (router: ConnectRouter) => void;
}

/**
 * createApi builds the API without listening: Connect-RPC at the root path, /healthz,
 * /readyz and (given metrics) /metrics beside it. Tests call it with real dependencies on port 0 or through an in-memory
 * transport over `routes`. Every RPC but SignUp and SignIn requires a session cookie or an API
 * token (authInterceptor), except IngestService, which takes only an agent token
 * (agentAuthInterceptor); errors are mapped last (errorInterceptor, the outermost).
 */
export function createApi(deps: ApiDeps): Api {
  const sharedHosts = deps.sharedHosts ?? true;
  const limiter = createSignInLimiter(deps.redis, deps.prefix, deps.signInLimits);
  // Outermost first: the RPC metrics see the code a client gets, after errors are mapped.
  const observed = deps.metrics ? [rpcMetricsInterceptor(deps.metrics)] : [];
  const interceptors = [...observed, errorInterceptor(deps.log), authInterceptor(deps)];
  const routes = (router: ConnectRouter) => {
    router.service(
      AuthService,
      createAuthService({
        pool: deps.pool,
        limiter,
        signup: deps.signup ?? "open",
        passwordParams: deps.passwordParams,
        publishRevocation: createRevocationPublisher(deps.redis, deps.prefix),
        log: deps.log,
      }),
      { interceptors },
    );
    router.service(MonitorService, createMonitorService(deps), { interceptors });
    router.service(
      AlertService,
      createAlertService({
        pool: deps.pool,
        log: deps.log,
        sharedHosts,
        channelRules: {
          allowInsecureChannelUrls: deps.alerts?.allowInsecureChannelUrls ?? false,
          blockPrivateTargets: deps.alerts?.blockPrivateTargets ?? false,
        },
        sendToChannel: (channel, event) =>
          sendToChannel(channel, event, {
            publicUrl: deps.alerts?.publicUrl,
            fetch: deps.alerts?.fetch,
          }),
        publisher: createStreamPublisher(deps.redis, deps.prefix),
      }),
      { interceptors },
    );
    router.service(
      HostService,
      createHostService({
        pool: deps.pool,
        sampleIntervalMs: deps.sampleIntervalMs ?? 2000,
        sharedHosts,
      }),
      { interceptors },
    );
    if (deps.ingest) {
      router.service(
        IngestService,
        createIngestService({
          sampleStore: deps.ingest.sampleStore,
          publisher: deps.ingest.publisher,
          limiter: createIngestLimiter(deps.redis, deps.prefix, deps.ingest.limits),
          log: deps.log,
        }),
        // Agent tokens only, never the API's credentials (see agentAuthInterceptor). A batch
        // of 500 ordinary samples is about 1 MB as JSON.
        {
          interceptors: [...observed, errorInterceptor(deps.log), agentAuthInterceptor(deps)],
          readMaxBytes: INGEST_MAX_BYTES,
        },
      );
    }
  };
  const web = deps.webRoot ? createWebAssets(deps.webRoot) : undefined;
  const health = createHealthHandler({
    postgres: () => deps.pool.query("SELECT 1"),
    redis: () => deps.redis.ping(),
  });
  const metrics =
    deps.metrics &&
    createMetricsHandler({ registry: deps.metrics.registry, token: deps.metricsToken });
  const connect = connectNodeAdapter({
    routes,
    contextValues: clientContextValues(deps.trustProxy ?? false),
    fallback: (req, res) => {
      health(req, res)
        .then(async (handled) => handled || ((await metrics?.(req, res)) ?? false))
        .then(async (handled) => handled || ((await web?.handle(req, res)) ?? false))
        .then(
          (handled) => {
            if (!handled) {
              res.writeHead(404, { "content-type": "application/json" });
              res.end(JSON.stringify({ code: "not_found", message: `no route for ${req.url}` }));
            }
          },
          (error: unknown) => {
            deps.log.error("serving a non-RPC request failed", { error });
            if (!res.headersSent) res.writeHead(500);
            res.end();
          },
        );
    },
  });
  return { handler: connect, routes };
}
