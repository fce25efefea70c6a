import "./thread-pool.js";
import { loadConfig, requireDatabaseUrl } from "../../internal/config/config.js";
import { createPool } from "../../internal/db/pool.js";
import { applySchema } from "../../internal/db/schema.js";
import { createHostSampleStore } from "../../internal/hosts/sample-store.js";
import { createSampler } from "../../internal/hosts/sampler.js";
import { createSamplerLease } from "../../internal/hosts/sampler-lease.js";
import { onShutdown } from "../../internal/lifecycle/shutdown.js";
import { createLogger } from "../../internal/log/logger.js";
import { createCheckQueue } from "../../internal/queue/check-queue.js";
import { createRedis } from "../../internal/queue/redis.js";
import { createStreamPublisher } from "../../internal/stream/publisher.js";
import { runCheck } from "../../internal/worker/check/index.js";
import { startCheckWorker } from "../../internal/worker/check-worker.js";

const config = loadConfig();
const log = createLogger("worker", config.LOG_LEVEL);
const pool = createPool({
  connectionString: requireDatabaseUrl(config),
  applicationName: "pulsar-worker",
});
await applySchema(pool, config.RETENTION_DAYS, config.HOST_RETENTION_DAYS);
const bullConnection = createRedis(config.REDIS_URL, "bullmq", "worker");
const redis = createRedis(config.REDIS_URL, "command", "worker-locks");
const streamRedis = createRedis(config.REDIS_URL, "command", "worker-stream");
const publisher = createStreamPublisher(streamRedis, config.QUEUE_PREFIX);
const queue = createCheckQueue(bullConnection, config.QUEUE_PREFIX);
const worker = startCheckWorker({
  pool,
  bullConnection,
  redis,
  queue,
  prefix: config.QUEUE_PREFIX,
  runCheck: (target, options) =>
    runCheck(target, { ...options, blockPrivateTargets: config.PULSAR_BLOCK_PRIVATE_TARGETS }),
  concurrency: config.CHECK_CONCURRENCY,
  region: config.REGION,
  retentionDays: config.RETENTION_DAYS,
  reconcileEveryMs: config.RECONCILE_INTERVAL_MS,
  jobLockMs: config.JOB_LOCK_MS,
  publisher,
  log,
});
const sampleStore = createHostSampleStore({
  pool,
  retentionDays: config.HOST_RETENTION_DAYS,
  log,
});
const samplerLease = createSamplerLease(
  streamRedis,
  config.QUEUE_PREFIX,
  3 * config.SAMPLE_INTERVAL_MS,
);
let sampledHostId: string | undefined;
const sampler = createSampler({
  intervalMs: config.SAMPLE_INTERVAL_MS,
  hostId: config.HOST_ID,
  onSample: async (sample) => {
    sampledHostId = sample.hostId;
    // Workers sharing a machine share its host id: one of them reports it.
    if (!(await samplerLease.hold(sample.hostId).catch(() => false))) return;
    sampleStore.add(sample);
    await publisher
      .publishHostSample(sample)
      .catch((error: unknown) => log.warn("publishing a host sample failed", { error }));
  },
  log,
});
sampler.start();
log.info("worker started", { concurrency: config.CHECK_CONCURRENCY, region: config.REGION });

onShutdown(async () => {
  await sampler.stop();
  if (sampledHostId) await samplerLease.release(sampledHostId).catch(() => {});
  await sampleStore.close();
  await worker.close();
  await queue.close();
  bullConnection.disconnect();
  redis.disconnect();
  streamRedis.disconnect();
  await pool.end();
}, log);
