import { createServer } from "node:http";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { deleteExpiredSessions } from "../../internal/accounts/accounts.js";
import { createAlertQueue } from "../../internal/alerts/delivery/alert-queue.js";
import { createAlertHandOut } from "../../internal/alerts/hand-out.js";
import { hostRulesHook } from "../../internal/alerts/host-rules/host-rules-hook.js";
import type { ApiDocsFiles } from "../../internal/api/api-docs.js";
import { createApi } from "../../internal/api/app.js";
import { SERVER_TIMEOUTS } from "../../internal/api/request-limits.js";
import { authorizeUpgrade } from "../../internal/api/ws/authorize.js";
import { createStreamGateway } from "../../internal/api/ws/gateway.js";
import { clientInfoOf } from "../../internal/auth/client-info.js";
import { ipKey } from "../../internal/auth/ip-key.js";
import { createPingHandler } from "../../internal/checks/heartbeat/ping-handler.js";
import { createCheckRegions } from "../../internal/checks/queue/check-regions.js";
import { createRegionalScheduler } from "../../internal/checks/queue/schedules.js";
import { dnsServers, loadConfig, requireDatabaseUrl } from "../../internal/config/config.js";
import { configOrExit } from "../../internal/config/or-exit.js";
import { createLogger } from "../../internal/core/logger.js";
import { createPool } from "../../internal/db/pool.js";
import { applySchema } from "../../internal/db/schema.js";
import { createDnsLookup } from "../../internal/dns/dns-lookup.js";
import { createHostSampleSink } from "../../internal/hosts/server/sample-sink.js";
import { createHostSampleStore } from "../../internal/hosts/server/sample-store.js";
import { onShutdown } from "../../internal/lifecycle/shutdown.js";
import { startMaintenanceIndex } from "../../internal/maintenance/maintenance-index.js";
import { createApiMetrics } from "../../internal/metrics/api-metrics.js";
import { createMetricsRegistry } from "../../internal/metrics/registry.js";
import { registerStreamClients } from "../../internal/metrics/stream-clients.js";
import {
  processId,
  startRegistryPublisher,
} from "../../internal/metrics/system/registry-publisher.js";
import {
  createSystemStatsSource,
  startSystemStatsSampling,
} from "../../internal/metrics/system/system-stats-source.js";
import { policyFor } from "../../internal/netpolicy/address-policy.js";
import { createGuardedFetch } from "../../internal/netpolicy/guarded-fetch.js";
import { orgQuotasFromConfig } from "../../internal/quota/org-quotas.js";
import { createRedis } from "../../internal/redis/redis.js";
import { startProbeRegions } from "../../internal/regions/probe-regions.js";
import { createStreamPublisher } from "../../internal/stream/publisher.js";

const config = configOrExit("api", loadConfig);
const databaseUrl = configOrExit("api", () => requireDatabaseUrl(config));
const log = createLogger("api", config.LOG_LEVEL);
for (const warning of config.warnings) log.warn(warning);
const pool = createPool({
  connectionString: databaseUrl,
  applicationName: "pulsar-api",
});
await applySchema(pool, config.RETENTION_DAYS);
const redis = createRedis(config.REDIS_URL, "command", "api");
const queueConnection = createRedis(config.REDIS_URL, "bullmq", "api-queue");
// Each region's check schedule and queue, opened as monitors are scheduled into them.
const checkRegions = createCheckRegions({
  redis,
  queueConnection,
  prefix: config.QUEUE_PREFIX,
});
// Served on PORT at /metrics, beside /healthz (behind METRICS_TOKEN when set).
const metrics = createApiMetrics(createMetricsRegistry());
// The System page: this process publishes its series through Redis like every worker, and reads
// everyone's in the background so the page has its rates the moment it opens.
const registryPublisher = startRegistryPublisher({
  registry: metrics.registry,
  redis,
  prefix: config.QUEUE_PREFIX,
  kind: "api",
  id: processId(hostname(), process.pid),
  log,
});
const systemStats = createSystemStatsSource({ redis, prefix: config.QUEUE_PREFIX, log });
const stopSystemSampling = startSystemStatsSampling(systemStats);
// Agents' samples (IngestService) take a worker's path: host_samples and the live stream. The
// API does not own HOST_RETENTION_DAYS (the worker does), so its store never drops partitions;
// a short batch delay because each agent's call waits for its samples to be stored.
// Host rules are evaluated where samples are stored; their deliveries go to the alert queue.
const alertQueue = createAlertQueue(queueConnection, config.QUEUE_PREFIX);
const publisher = createStreamPublisher(redis, config.QUEUE_PREFIX);
const sampleStore = createHostSampleStore({
  pool,
  log,
  metrics,
  maxDelayMs: 200,
  onStored: hostRulesHook({
    pool,
    log,
    handOut: createAlertHandOut({ queue: alertQueue, publisher, log }),
    sharedHosts: config.PULSAR_SHARED_HOSTS,
  }),
});
// Test messages to alert channels go where users point them: never to link-local or cloud
// metadata addresses, nor to private ones when the installation refuses them for checks.
// Names resolve through c-ares, off libuv's thread pool (4 threads in the API, shared with
// scrypt and zlib): a webhook whose DNS never answers must not hold one.
const dnsLookup = createDnsLookup({ servers: dnsServers(config) });
const alertFetch = createGuardedFetch(policyFor(config.PULSAR_BLOCK_PRIVATE_TARGETS), {
  lookup: dnsLookup.lookup,
});
// Heartbeat pings (/ping/<token>) are answered once committed to the ping inbox, then applied
// from it as a worker stores check results: in batches, with the monitors' status and alerts in
// the same transaction, then published and handed out.
// A ping in a maintenance window is stored marked, as the workers mark checks and misses.
const pingMaintenance = startMaintenanceIndex({ pool, log });
const pings = createPingHandler({
  pool,
  region: config.REGION,
  publisher,
  handOut: createAlertHandOut({ queue: alertQueue, publisher, log }),
  // Keyed like the API's other per-address limits (an IPv6 client by its /64).
  clientKey: (req) => ipKey(clientInfoOf(req, config.PULSAR_TRUST_PROXY).ip),
  inMaintenance: pingMaintenance.covers,
  log,
});
// Regions served by remote probes alone have no worker: for each region holding a live probe
// token this process runs its dispatch and leases its checks to the probes (ProbeCheckService).
const probeRegions = startProbeRegions({
  pool,
  redis,
  bullConnection: queueConnection,
  prefix: config.QUEUE_PREFIX,
  defaultRegion: config.DEFAULT_REGION,
  leaseMs: config.PROBE_LEASE_MS,
  reconcileEveryMs: config.RECONCILE_INTERVAL_MS,
  metrics,
  log,
});
const api = createApi({
  pool,
  redis,
  prefix: config.QUEUE_PREFIX,
  scheduler: createRegionalScheduler({
    regions: checkRegions,
    defaultRegion: config.DEFAULT_REGION,
  }),
  defaultRegion: config.DEFAULT_REGION,
  servedRegions: () => checkRegions.known(),
  log,
  sampleIntervalMs: config.SAMPLE_INTERVAL_MS,
  signup: config.PULSAR_SIGNUP,
  sharedHosts: config.PULSAR_SHARED_HOSTS,
  trustProxy: config.PULSAR_TRUST_PROXY,
  webRoot: builtWebRoot(),
  docs: builtDocs(),
  ingest: { sink: createHostSampleSink({ store: sampleStore, publisher, log }) },
  alerts: {
    publicUrl: config.PUBLIC_URL,
    blockPrivateTargets: config.PULSAR_BLOCK_PRIVATE_TARGETS,
    fetch: alertFetch.fetch,
  },
  metrics,
  metricsToken: config.METRICS_TOKEN,
  systemStats,
  maxRequestBytes: config.PULSAR_MAX_REQUEST_BYTES,
  quotas: orgQuotasFromConfig(config),
  writesPerMinute: config.PULSAR_ORG_WRITES_PER_MINUTE,
  pings,
  // Probes' results take a worker's path: published, alerts handed out, maintenance marked.
  probes: {
    regions: probeRegions,
    publisher,
    handOut: createAlertHandOut({ queue: alertQueue, publisher, log }),
    inMaintenance: pingMaintenance.covers,
  },
});

// The stream's subscriber enters subscriber mode, so it needs a connection of its own; the
// bullmq role keeps its PSUBSCRIBE waiting through a Redis that is not up yet.
const streamSubscriber = createRedis(config.REDIS_URL, "bullmq", "api-stream");
const gateway = createStreamGateway({
  pool,
  subscriber: streamSubscriber,
  redis,
  prefix: config.QUEUE_PREFIX,
  sharedHosts: config.PULSAR_SHARED_HOSTS,
  // The same credentials as the RPCs: an API token or the session cookie (checked against
  // cross-site hijacking by the gateway itself).
  authorize: authorizeUpgrade({ pool, log }),
  maxStreamsPerUser: config.PULSAR_USER_MAX_STREAMS,
  log,
});
registerStreamClients(metrics.registry, gateway);

// Slow senders get bounded time for their headers and their whole request.
const server = createServer(SERVER_TIMEOUTS, api.handler);
server.on("upgrade", gateway.handleUpgrade);
server.listen(config.PORT, () => log.info("api listening", { port: config.PORT }));

// Expired sessions already sign nobody in; sweeping them keeps the table small.
const sessionSweep = setInterval(() => {
  deleteExpiredSessions(pool).catch((error: unknown) =>
    log.warn("sweeping expired sessions failed", { error }),
  );
}, 3_600_000);
sessionSweep.unref();

onShutdown(async () => {
  clearInterval(sessionSweep);
  stopSystemSampling();
  await registryPublisher.stop();
  await alertFetch.close();
  dnsLookup.close();
  // Stop accepting, close stream clients with 1001 (their upgraded sockets would otherwise keep
  // server.close() waiting), let in-flight RPCs finish, then close what we opened.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Probes' TakeChecks answer now instead of at the end of their wait.
  probeRegions.drain();
  await gateway.close();
  await closed;
  await pings.close();
  // After the RPCs (a ReportResults completes its leases first). Leases held lapse and go to
  // the probes of another API process, or of this one once it is back.
  await probeRegions.close();
  await pingMaintenance.stop();
  await sampleStore.close();
  await alertQueue.close();
  await checkRegions.close();
  queueConnection.disconnect();
  streamSubscriber.disconnect();
  redis.disconnect();
  await pool.end();
}, log);

/**
 * builtWebRoot is where `npm run build:web` puts the dashboard: dist/web. Run from dist/ this
 * file is dist/cmd/api/main.js; run from source (tsx) it is cmd/api/main.ts.
 */
function builtWebRoot(): string {
  return fileURLToPath(new URL(`${builtRoot()}web/`, import.meta.url));
}

/** builtDocs are the files `npm run build:docs` copies to dist/docs. */
function builtDocs(): ApiDocsFiles {
  const docs = new URL(`${builtRoot()}docs/`, import.meta.url);
  return {
    document: fileURLToPath(new URL("openapi.json", docs)),
    viewer: fileURLToPath(new URL("scalar.js", docs)),
  };
}

/** builtRoot is dist/, relative to this file whether it runs from dist/ or from source. */
function builtRoot(): string {
  return import.meta.url.endsWith(".ts") ? "../../dist/" : "../../";
}
