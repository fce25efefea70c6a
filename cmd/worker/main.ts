import { createServer } from "node:http";
import { hostname } from "node:os";
import { createAlertQueue } from "../../internal/alerts/delivery/alert-queue.js";
import { startAlertDeliveryWorker } from "../../internal/alerts/delivery/delivery-worker.js";
import { createAlertHandOut } from "../../internal/alerts/hand-out.js";
import { hostRulesHook } from "../../internal/alerts/host-rules/host-rules-hook.js";
import { startSilentHostSweep } from "../../internal/alerts/host-rules/silent-host-sweep.js";
import { startCheckWorker } from "../../internal/checks/check-worker.js";
import { startHeartbeatSweeper } from "../../internal/checks/heartbeat/sweeper.js";
import { createOwnServiceGuard, ownServicesOf } from "../../internal/checks/own-services.js";
import { createCheckQueue } from "../../internal/checks/queue/check-queue.js";
import { createCheckRunner } from "../../internal/checks/run-target.js";
import { dnsServers, loadConfig, requireDatabaseUrl } from "../../internal/config/config.js";
import { configOrExit } from "../../internal/config/or-exit.js";
import { ConfigError } from "../../internal/config/parse-environment.js";
import { createLogger } from "../../internal/core/logger.js";
import { createHealthHandler } from "../../internal/core/ops/health.js";
import { createMetricsHandler } from "../../internal/core/ops/metrics-handler.js";
import { createOpsHandler } from "../../internal/core/ops/ops-handler.js";
import { startPartitionMaintenance } from "../../internal/db/partition-maintenance.js";
import { createPool } from "../../internal/db/pool.js";
import { applySchema } from "../../internal/db/schema.js";
import { createDnsLookup } from "../../internal/dns/dns-lookup.js";
import { createHostSampleStore } from "../../internal/hosts/server/sample-store.js";
import { onShutdown } from "../../internal/lifecycle/shutdown.js";
import { startMaintenanceIndex } from "../../internal/maintenance/maintenance-index.js";
import { registerQueueDepth } from "../../internal/metrics/queue-depth.js";
import { createMetricsRegistry } from "../../internal/metrics/registry.js";
import {
  processId,
  startRegistryPublisher,
} from "../../internal/metrics/system/registry-publisher.js";
import { createWorkerMetrics } from "../../internal/metrics/worker-metrics.js";
import { policyFor } from "../../internal/netpolicy/address-policy.js";
import { createGuardedFetch } from "../../internal/netpolicy/guarded-fetch.js";
import { createRedis } from "../../internal/redis/redis.js";
import { startPresenceBeat } from "../../internal/regions/presence-beat.js";
import { createStreamPublisher } from "../../internal/stream/publisher.js";
import { startHostSampling } from "../../internal/worker/host-sampling.js";
import { resolveSampleOwner } from "../../internal/worker/sample-owner.js";
import { createSamplerLease } from "../../internal/worker/sampler-lease.js";
import packageJson from "../../package.json" with { type: "json" };

const config = configOrExit("worker", loadConfig);
const databaseUrl = configOrExit("worker", () => requireDatabaseUrl(config));
const log = createLogger("worker", config.LOG_LEVEL);
for (const warning of config.warnings) log.warn(warning);
const pool = createPool({
  connectionString: databaseUrl,
  applicationName: "pulsar-worker",
});
await applySchema(pool, config.RETENTION_DAYS, config.HOST_RETENTION_DAYS);
const sampleOwner = await resolveSampleOwner({
  pool,
  workerToken: config.PULSAR_WORKER_TOKEN,
  sharedHosts: config.PULSAR_SHARED_HOSTS,
  log,
}).catch((error: unknown) => {
  // Sampling under the wrong owner would publish a host to the wrong people: stop instead.
  if (!(error instanceof ConfigError)) throw error;
  log.error(error.message);
  process.exit(1);
});
const bullConnection = createRedis(config.REDIS_URL, "bullmq", "worker");
// Its hot callers (the schedule's claims, the monitor locks) send one script call a tick each.
const redis = createRedis(config.REDIS_URL, "command", "worker-locks", { autoPipelining: false });
const streamRedis = createRedis(config.REDIS_URL, "command", "worker-stream");
const publisher = createStreamPublisher(streamRedis, config.QUEUE_PREFIX);
// This worker serves its REGION only: its queue and schedule.
const queue = createCheckQueue(bullConnection, config.QUEUE_PREFIX, config.REGION);
const alertQueue = createAlertQueue(bullConnection, config.QUEUE_PREFIX);
const metrics = createWorkerMetrics(createMetricsRegistry());
registerQueueDepth(metrics.registry, { queues: { checks: queue, alerts: alertQueue }, log });
// The System page (SystemService) reads every process's series through Redis.
const registryPublisher = startRegistryPublisher({
  registry: metrics.registry,
  redis,
  prefix: config.QUEUE_PREFIX,
  kind: "worker",
  id: processId(hostname(), process.pid),
  log,
});
// The Regions page (RegionService) shows this worker, and its region as live, while it beats.
const stopPresenceBeat = startPresenceBeat({
  redis,
  prefix: config.QUEUE_PREFIX,
  region: config.REGION,
  id: processId(hostname(), process.pid),
  version: packageJson.version,
  log,
});
// Checks and alert webhooks resolve names through c-ares (CHECK_DNS_SERVERS, else the
// system's), off libuv's thread pool: a name whose DNS never answers costs a socket, not a
// thread every other lookup waits for.
const dnsLookup = createDnsLookup({ servers: dnsServers(config) });
// TCP monitors never write to Pulsar's own Redis or Postgres; their names re-read every minute.
const ownServices = createOwnServiceGuard(
  ownServicesOf({ redisUrl: config.REDIS_URL, databaseUrl: config.DATABASE_URL }),
);
await ownServices.refresh();
const ownServicesRefresh = setInterval(() => void ownServices.refresh(), 60_000);
ownServicesRefresh.unref();
// Alert webhooks go where users point them: never to link-local or cloud metadata addresses,
// nor inside with PULSAR_BLOCK_PRIVATE_TARGETS.
const alertFetch = createGuardedFetch(policyFor(config.PULSAR_BLOCK_PRIVATE_TARGETS), {
  lookup: dnsLookup.lookup,
});
const alertWorker = startAlertDeliveryWorker({
  fetch: alertFetch.fetch,
  db: pool,
  bullConnection,
  queue: alertQueue,
  prefix: config.QUEUE_PREFIX,
  publicUrl: config.PUBLIC_URL,
  orgMaxInFlight: config.ALERT_ORG_MAX_INFLIGHT,
  metrics,
  log,
});
// One hand-out for every alert this process decides (checks, host rules of its samples, the sweep
// of hosts gone silent): deliveries queued, events published, after COMMIT.
const alertHandOut = createAlertHandOut({ queue: alertQueue, publisher, log });
// Which monitors are in a maintenance window, kept in memory and reloaded every 10 s: one index
// for the checks and the heartbeat sweeper alike, so they agree and Postgres is asked once.
const maintenance = startMaintenanceIndex({ pool, log });
const worker = startCheckWorker({
  pool,
  bullConnection,
  redis,
  queue,
  prefix: config.QUEUE_PREFIX,
  runCheck: createCheckRunner({
    lookup: dnsLookup.lookup,
    blockPrivateTargets: config.PULSAR_BLOCK_PRIVATE_TARGETS,
    dnsServers: dnsServers(config),
    ownServices,
    identity: { region: config.REGION, version: packageJson.version },
  }),
  concurrency: config.CHECK_CONCURRENCY,
  orgMaxInFlight: config.CHECK_ORG_MAX_INFLIGHT,
  region: config.REGION,
  defaultRegion: config.DEFAULT_REGION,
  reconcileEveryMs: config.RECONCILE_INTERVAL_MS,
  jobLockMs: config.JOB_LOCK_MS,
  publisher,
  handOut: alertHandOut,
  inMaintenance: maintenance.covers,
  metrics,
  log,
});
// One timer for both partitioned tables, in every worker (maintenance is idempotent): day
// partitions ahead, expired ones dropped.
const partitions = startPartitionMaintenance({
  pool,
  checkRetentionDays: config.RETENTION_DAYS,
  hostRetentionDays: config.HOST_RETENTION_DAYS,
  log,
});
// Resolves host rules whose host stopped reporting; several workers may sweep at once.
const silentHostSweep = startSilentHostSweep({ pool, log, handOut: alertHandOut });
// Heartbeat monitors' deadlines: every worker sweeps (SKIP LOCKED shares the rows out), storing
// a missed result where no ping came in time, marked when in a maintenance window.
const heartbeatSweeper = startHeartbeatSweeper({
  pool,
  region: config.REGION,
  publisher,
  handOut: alertHandOut,
  inMaintenance: maintenance.covers,
  log,
});
const sampling =
  sampleOwner &&
  startHostSampling({
    owner: sampleOwner.orgId,
    store: createHostSampleStore({
      pool,
      log,
      metrics,
      onStored: hostRulesHook({
        pool,
        log,
        handOut: alertHandOut,
        sharedHosts: config.PULSAR_SHARED_HOSTS,
      }),
    }),
    publisher,
    lease: createSamplerLease(streamRedis, config.QUEUE_PREFIX, 3 * config.SAMPLE_INTERVAL_MS),
    intervalMs: config.SAMPLE_INTERVAL_MS,
    version: packageJson.version,
    hostId: config.HOST_ID,
    log,
  });
log.info("worker started", {
  concurrency: config.CHECK_CONCURRENCY,
  orgMaxInFlight: config.CHECK_ORG_MAX_INFLIGHT,
  region: config.REGION,
  defaultRegion: config.DEFAULT_REGION,
});

// The worker's only HTTP port: Prometheus scrapes /metrics, orchestrators probe /healthz and
// /readyz. A port already taken (two workers on one host) costs the metrics, not the checks.
const opsServer = createServer(
  createOpsHandler(
    [
      // Without a token, anyone who reaches this port may read it: it is not the public one
      // (compose does not publish it) and Prometheus scrapes it from another container, never
      // over loopback. The API's /metrics shares the public port: loopback only there.
      createMetricsHandler({
        registry: metrics.registry,
        token: config.METRICS_TOKEN,
        withoutToken: "anyone",
      }),
      createHealthHandler(
        { postgres: () => pool.query("SELECT 1"), redis: () => redis.ping() },
        log,
      ),
    ],
    log,
  ),
);
opsServer.on("error", (error) =>
  log.error("serving /metrics, /healthz and /readyz failed; set METRICS_PORT to a free port", {
    port: config.METRICS_PORT,
    error,
  }),
);
opsServer.listen(config.METRICS_PORT, () => {
  const address = opsServer.address();
  const port = typeof address === "object" && address ? address.port : config.METRICS_PORT;
  log.info("metrics and health listening", { port });
});

onShutdown(async () => {
  // Probes and scrapes stop first: a worker shutting down is no longer ready.
  const opsClosed = new Promise<void>((resolve) => opsServer.close(() => resolve()));
  opsServer.closeAllConnections();
  await opsClosed;
  clearInterval(ownServicesRefresh);
  await registryPublisher.stop();
  await stopPresenceBeat();
  await sampling?.stop();
  await silentHostSweep.stop();
  await heartbeatSweeper.stop();
  await partitions.stop();
  // Checks first: their last batches may still queue alerts.
  await worker.close();
  // Only once neither the checks nor the sweeper can ask it any more.
  await maintenance.stop();
  await alertWorker.close();
  await alertFetch.close();
  dnsLookup.close();
  await alertQueue.close();
  await queue.close();
  bullConnection.disconnect();
  redis.disconnect();
  streamRedis.disconnect();
  await pool.end();
}, log);
