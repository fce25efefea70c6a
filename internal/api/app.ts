import type { IncomingMessage, ServerResponse } from "node:http";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Redis } from "ioredis";
import type pg from "pg";
import { AlertService } from "../../gen/pulsar/v1/alert_pb.js";
import { AuthService } from "../../gen/pulsar/v1/auth_pb.js";
import { HostService } from "../../gen/pulsar/v1/host_pb.js";
import { IngestService } from "../../gen/pulsar/v1/ingest_pb.js";
import { MaintenanceService } from "../../gen/pulsar/v1/maintenance_pb.js";
import { MonitorService } from "../../gen/pulsar/v1/monitor_pb.js";
import { ProbeCheckService, ProbeService } from "../../gen/pulsar/v1/probe_pb.js";
import { RegionService } from "../../gen/pulsar/v1/region_pb.js";
import { StatusPageService } from "../../gen/pulsar/v1/status_page_pb.js";
import { SystemService } from "../../gen/pulsar/v1/system_pb.js";
import { sendToChannel } from "../alerts/delivery/send.js";
import { clientContextValues } from "../auth/client-info.js";
import { createIngestLimiter, type IngestLimits } from "../auth/ingest-limiter.js";
import type { ScryptParams } from "../auth/password.js";
import type { PasswordHasher } from "../auth/password-hasher.js";
import { createRevocationPublisher } from "../auth/revocations.js";
import { createSignInLimiter, type SignInLimits } from "../auth/sign-in-limiter.js";
import { createBadgeHandler } from "../badges/badge-handler.js";
import type { PingHandler } from "../checks/heartbeat/ping-handler.js";
import { LOCAL_REGION } from "../checks/queue/check-queue.js";
import { rememberRegions } from "../checks/queue/check-regions.js";
import type { MonitorScheduler } from "../checks/queue/schedules.js";
import type { Logger } from "../core/logger.js";
import { createHealthHandler } from "../core/ops/health.js";
import { createMetricsHandler } from "../core/ops/metrics-handler.js";
import type { HostSampleSink } from "../hosts/server/sample-sink.js";
import { MAX_PUSH_BYTES } from "../hosts/server/sample-validation.js";
import { monitorsInMaintenance } from "../maintenance/maintenance-status.js";
import type { ApiMetrics } from "../metrics/api-metrics.js";
import { rpcMetricsInterceptor } from "../metrics/rpc-interceptor.js";
import {
  createSystemStatsSource,
  type SystemStatsSource,
} from "../metrics/system/system-stats-source.js";
import type { OrgQuotas } from "../quota/org-quotas.js";
import { createWriteRateLimiter } from "../quota/write-rate-limiter.js";
import type { ProbeRegions } from "../regions/probe-regions.js";
import type { ProbeResultsDeps } from "../regions/probe-results.js";
import { createAlertService } from "../service/alert-service.js";
import { createAuthService } from "../service/auth-service.js";
import { createHostService } from "../service/host-service.js";
import { createIngestService } from "../service/ingest-service.js";
import { createMaintenanceService } from "../service/maintenance-service.js";
import { createMonitorService } from "../service/monitor-service.js";
import { createProbeCheckService } from "../service/probe-check-service.js";
import { PROBE_MAX_REQUEST_BYTES } from "../service/probe-result-input.js";
import { createProbeService } from "../service/probe-service.js";
import { createRegionService } from "../service/region-service.js";
import { createStatusPageService } from "../service/status-page-service.js";
import { createSystemAdminCheck } from "../service/system-admin.js";
import { createSystemService } from "../service/system-service.js";
import { createStatusPages } from "../statuspages/public/public-handler.js";
import { createStreamPublisher } from "../stream/publisher.js";
import { authenticateAgent } from "./agent-auth-gate.js";
import { type ApiDocsFiles, createApiDocs } from "./api-docs.js";
import { authenticateCaller } from "./auth-gate.js";
import { errorInterceptor } from "./errors.js";
import { authenticateProbe } from "./probe-auth-gate.js";
import { requestGate } from "./request-gate.js";
import { createRequestGuard, DEFAULT_MAX_REQUEST_BYTES } from "./request-limits.js";
import { createWebAssets } from "./web-assets.js";
import { meterWrites } from "./write-meter.js";

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
  /** Every password hash of SignUp and SignIn; absent: scrypt at passwordParams behind a
   *  gate of DEFAULT_HASH_GATE (internal/auth/hash-gate.ts). Tests count or slow it. */
  passwords?: PasswordHasher;
  /**
   * Where agents' samples go (IngestService): a host sample sink (internal/hosts/server), the
   * same path as a worker's samples; the caller opens and closes its store. Absent:
   * IngestService is not served (tests of other services). Tests lower the rate limits.
   */
  ingest?: {
    sink: Pick<HostSampleSink, "push">;
    limits?: IngestLimits;
  };
  /** The built dashboard (dist/web); absent or missing: the API serves no pages. */
  webRoot?: string;
  /** The OpenAPI document and its viewer (dist/docs), served to anyone at /openapi.json and
   *  /docs; absent or missing: neither is served. */
  docs?: ApiDocsFiles;
  /**
   * Alert channels (AlertService): PUBLIC_URL for the links in messages,
   * PULSAR_BLOCK_PRIVATE_TARGETS for the webhook URLs accepted, and, for tests only, plain
   * http://127.0.0.1 channel URLs (a local fake Discord). All off when absent.
   */
  alerts?: {
    publicUrl?: string;
    blockPrivateTargets?: boolean;
    allowInsecureChannelUrls?: boolean;
    /** How TestChannel posts: a guarded fetch for policyFor(PULSAR_BLOCK_PRIVATE_TARGETS)
     *  (internal/netpolicy/guarded-fetch.ts) that the caller closes; absent, one that refuses
     *  only link-local and cloud metadata addresses. */
    fetch?: typeof fetch;
  };
  /**
   * The API's series (internal/metrics): every RPC is counted and timed, and /metrics serves
   * the registry, only to `Authorization: Bearer <metricsToken>` when a token is set
   * (METRICS_TOKEN), else only to loopback clients no proxy forwarded. Absent: no RPC metrics
   * and no /metrics.
   */
  metrics?: ApiMetrics;
  metricsToken?: string;
  /**
   * Where SystemService's figures come from: the registries every process publishes to Redis
   * (internal/metrics/system). cmd/api passes one it samples in the background; absent, one
   * that reads Redis when asked.
   */
  systemStats?: Pick<SystemStatsSource, "stats">;
  /**
   * PULSAR_MAX_REQUEST_BYTES: the largest request body (after decompression) of every route but
   * IngestService's; 256 KiB when absent. A declared larger body is refused before it is read.
   */
  maxRequestBytes?: number;
  /** PULSAR_ORG_MAX_*: what one organization may hold (orgQuotasFromConfig); the documented
   *  defaults (DEFAULT_ORG_QUOTAS) when absent. */
  quotas?: OrgQuotas;
  /** PULSAR_ORG_WRITES_PER_MINUTE: write RPCs per organization per minute; 600 when absent. */
  writesPerMinute?: number;
  /** DEFAULT_REGION: the region of monitors that list none, as MonitorService shows them;
   *  "local" when absent. */
  defaultRegion?: string;
  /** The regions known (CheckRegions.known()): served by a worker or probe, or holding a probe
   *  token. A monitor may list only those (MonitorService); RegionService lists them. */
  servedRegions?: () => Promise<readonly string[]>;
  /**
   * The heartbeat ping endpoint (/ping/<token>…, internal/checks/heartbeat), served ahead of
   * every other route: no credentials and no Connect (it reads at most 10 KB of a body). The
   * caller builds it, as it stores results and hands out alerts, and closes it. Absent: not
   * served.
   */
  pings?: Pick<PingHandler, "handle">;
  /**
   * Remote probes (ProbeCheckService): the regions this API leases checks of (startProbeRegions,
   * which the caller starts and closes), and where their results go, as a worker's do: published
   * live, alert events handed out, marked by the process's maintenance index. Absent:
   * ProbeCheckService is not served (ProbeService, the tokens, always is).
   */
  probes?: {
    regions: ProbeRegions;
  } & Pick<ProbeResultsDeps, "publisher" | "handOut" | "inMaintenance">;
  /** The installation's live probe tokens at most; 100 when absent. */
  maxProbeTokens?: number;
}

/** hostNamesOf is the host name of url (lower case) as a list, or none without a URL. */
const hostNamesOf = (url: string | undefined): string[] =>
  url ? [new URL(url).hostname.toLowerCase()] : [];

/** INGEST_MAX_BYTES bounds one PushSamples request body (decompressed). */
const INGEST_MAX_BYTES = MAX_PUSH_BYTES;

/** Api is the HTTP request listener and the Connect routes it serves. */
export interface Api {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  routes: (router: ConnectRouter) => void;
}

/**
 * createApi builds the API without listening: Connect-RPC at the root path, /healthz,
 * /readyz and (given metrics) /metrics beside it, and (given docs) /openapi.json and /docs.
 * Tests call it with real dependencies on port 0 or through an in-memory transport over
 * `routes`. Every RPC but SignUp and SignIn requires
 * a session cookie or an API token (authenticateCaller), except IngestService, which takes only
 * an agent token (authenticateAgent), and ProbeCheckService, only a probe token
 * (authenticateProbe); both run in Connect's request gate, before the body is
 * read. Errors of the handlers are mapped last (errorInterceptor, the outermost but metrics).
 */
export function createApi(deps: ApiDeps): Api {
  const sharedHosts = deps.sharedHosts ?? true;
  const limiter = createSignInLimiter(deps.redis, deps.prefix, deps.signInLimits);
  // Outermost first: the RPC metrics see the code a client gets, after errors are mapped.
  const observed = deps.metrics ? [rpcMetricsInterceptor(deps.metrics)] : [];
  const interceptors = [...observed, errorInterceptor(deps.log)];
  // Who calls, and whether their organization is over its write rate, is decided before a
  // byte of the body is read: a stranger's request costs its headers.
  const writes = createWriteRateLimiter(deps.redis, deps.prefix, deps.writesPerMinute);
  const gated = {
    interceptors,
    requestGate: requestGate([authenticateCaller(deps), meterWrites(writes)], deps),
  };
  const isSystemAdmin = createSystemAdminCheck(deps.pool);
  const systemStats =
    deps.systemStats ??
    createSystemStatsSource({ redis: deps.redis, prefix: deps.prefix, log: deps.log });
  const routes = (router: ConnectRouter) => {
    router.service(
      AuthService,
      createAuthService({
        pool: deps.pool,
        limiter,
        signup: deps.signup ?? "open",
        passwordParams: deps.passwordParams,
        passwords: deps.passwords,
        quotas: deps.quotas,
        publishRevocation: createRevocationPublisher(deps.redis, deps.prefix),
        isSystemAdmin,
        log: deps.log,
      }),
      gated,
    );
    router.service(
      SystemService,
      createSystemService({ isSystemAdmin, source: systemStats }),
      gated,
    );
    router.service(
      MonitorService,
      createMonitorService({ ...deps, publicUrl: deps.alerts?.publicUrl }),
      gated,
    );
    router.service(MaintenanceService, createMaintenanceService({ pool: deps.pool }), gated);
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
        quotas: deps.quotas,
      }),
      gated,
    );
    router.service(
      HostService,
      createHostService({
        pool: deps.pool,
        sampleIntervalMs: deps.sampleIntervalMs ?? 2000,
        sharedHosts,
        quotas: deps.quotas,
      }),
      gated,
    );
    router.service(
      StatusPageService,
      createStatusPageService({
        pool: deps.pool,
        quotas: deps.quotas,
        // The dashboard's own host name is no page's domain: its requests would get the page.
        pageRules: { reservedDomains: hostNamesOf(deps.alerts?.publicUrl) },
        onPagesChanged: (slugs) => {
          for (const slug of slugs) statusPages.forget(slug);
        },
      }),
      gated,
    );
    router.service(
      RegionService,
      createRegionService({
        pool: deps.pool,
        redis: deps.redis,
        prefix: deps.prefix,
        defaultRegion: deps.defaultRegion ?? LOCAL_REGION,
        knownRegions: deps.servedRegions ?? (async () => []),
      }),
      gated,
    );
    router.service(
      ProbeService,
      createProbeService({
        pool: deps.pool,
        isSystemAdmin,
        rememberRegion: (region) => rememberRegions(deps.redis, deps.prefix, [region]),
        onTokensChanged: deps.probes && (() => deps.probes?.regions.refresh() ?? Promise.resolve()),
        maxProbeTokens: deps.maxProbeTokens,
        log: deps.log,
      }),
      gated,
    );
    if (deps.probes) {
      router.service(
        ProbeCheckService,
        createProbeCheckService({
          ...deps.probes,
          pool: deps.pool,
          redis: deps.redis,
          prefix: deps.prefix,
          defaultRegion: deps.defaultRegion ?? LOCAL_REGION,
          log: deps.log,
        }),
        // Probe tokens only, never the API's credentials (see authenticateProbe), checked before
        // the body is read; its read limit fits the fullest ReportResults.
        {
          interceptors,
          requestGate: requestGate([authenticateProbe(deps)], deps),
          readMaxBytes: PROBE_MAX_REQUEST_BYTES,
        },
      );
    }
    if (deps.ingest) {
      router.service(
        IngestService,
        createIngestService({
          sink: deps.ingest.sink,
          limiter: createIngestLimiter(deps.redis, deps.prefix, deps.ingest.limits),
          maxHostsPerOrg: deps.quotas?.hosts,
          log: deps.log,
        }),
        // Agent tokens only, never the API's credentials (see authenticateAgent), checked
        // before the body is read. The agent's fullest batch fits the read limit in either
        // encoding (MAX_PUSH_BYTES).
        {
          interceptors,
          requestGate: requestGate([authenticateAgent(deps)], deps),
          readMaxBytes: INGEST_MAX_BYTES,
        },
      );
    }
  };
  const maxRequestBytes = deps.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  // A declared oversized body is refused before Connect (or any route) reads a byte of it.
  const guard = createRequestGuard((path) => {
    if (path.startsWith(`/${IngestService.typeName}/`)) {
      return { maxBytes: INGEST_MAX_BYTES, setting: "IngestService's fixed limit" };
    }
    if (path.startsWith(`/${ProbeCheckService.typeName}/`)) {
      return { maxBytes: PROBE_MAX_REQUEST_BYTES, setting: "ProbeCheckService's fixed limit" };
    }
    return { maxBytes: maxRequestBytes, setting: "PULSAR_MAX_REQUEST_BYTES" };
  });
  const web = deps.webRoot ? createWebAssets(deps.webRoot) : undefined;
  // The public status pages (no sign-in): /status/<slug>, its JSON and feed, and the pages'
  // custom domains at their root; before the dashboard, which would answer them with the app.
  const statusPages = createStatusPages({ pool: deps.pool, publicUrl: deps.alerts?.publicUrl });
  const docs = deps.docs ? createApiDocs(deps.docs) : undefined;
  // Public, no credentials: /badge/<publicId>/<kind>.svg of monitors that opted in; a monitor
  // in a maintenance window shows "maintenance", decided as MonitorService decides it.
  const badges = createBadgeHandler({
    pool: deps.pool,
    inMaintenance: async (monitor, at) =>
      (await monitorsInMaintenance(deps.pool, monitor.orgId, at)).has(monitor.id),
  });
  const health = createHealthHandler(
    {
      postgres: () => deps.pool.query("SELECT 1"),
      redis: () => deps.redis.ping(),
    },
    deps.log,
  );
  const metrics =
    deps.metrics &&
    createMetricsHandler({ registry: deps.metrics.registry, token: deps.metricsToken });
  const connect = connectNodeAdapter({
    routes,
    contextValues: clientContextValues(deps.trustProxy ?? false),
    // Every route's read limit (IngestService sets its own): Connect's default is ~4 GiB, and
    // it bounds a gzip or brotli body's inflated size by the same number.
    readMaxBytes: maxRequestBytes,
    fallback: (req, res) => {
      health(req, res)
        .then(async (handled) => handled || ((await metrics?.(req, res)) ?? false))
        // Before the dashboard, whose own routes would otherwise answer /docs with the app.
        .then(async (handled) => handled || ((await docs?.handle(req, res)) ?? false))
        .then(async (handled) => handled || (await badges.handle(req, res)))
        .then(async (handled) => handled || (await statusPages.handle(req, res)))
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
  return {
    handler: (req, res) => {
      if (deps.pings?.handle(req, res)) return;
      if (!guard(req, res)) connect(req, res);
    },
    routes,
  };
}
