// The API with remote probes served (ProbeService and ProbeCheckService over real Postgres,
// Redis and BullMQ), and the check jobs a region's dispatcher would queue. Not imported by
// production code.
import { create } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import { CheckJobSchema } from "../../gen/pulsar/v1/check_pb.js";
import {
  addCheckBatch,
  type CheckQueue,
  createCheckQueue,
} from "../../internal/checks/queue/check-queue.js";
import { silentLogger } from "../../internal/core/logger.js";
import { createProbeLeaseMetrics } from "../../internal/metrics/probe-lease-metrics.js";
import { createMetricsRegistry } from "../../internal/metrics/registry.js";
import { createRedis } from "../../internal/redis/redis.js";
import { type ProbeRegions, startProbeRegions } from "../../internal/regions/probe-regions.js";
import { TEST_REDIS_URL } from "./redis.js";
import { cookieOf, postRpc, uniqueEmail } from "./rpc-json.js";
import { startTestApi, type TestApi, type TestApiOptions } from "./test-api.js";

const FAST_SCRYPT = { log2N: 10, r: 8, p: 1 };

/** ProbeTestApi is a TestApi whose `baseUrl` serves the probes' services. */
export interface ProbeTestApi {
  api: TestApi;
  /** The API serving ProbeCheckService (and every other service). */
  baseUrl: string;
  regions: ProbeRegions;
  /** A pulsar_probe_* counter's value for these labels (0 when never counted). */
  counted(name: string, labels: Record<string, string>): Promise<number>;
  /** BullMQ's connection of the regions' queues. */
  bull: Redis;
  /** The session cookie of the operator organization's admin (the first sign-up). */
  operatorAdmin: string;
  /** signUp makes another organization's admin; its session cookie. */
  signUp(fields?: Record<string, string>): Promise<string>;
  /** createProbeToken makes a probe token of `region` as the operator's admin: its secret. */
  createProbeToken(region: string, name?: string): Promise<{ id: string; token: string }>;
  /** queue is the check queue of `region` (closed by close). */
  queue(region: string): CheckQueue;
  /** enqueue queues checks of monitors, due now, as one job of `region` (as dispatch does). */
  enqueue(
    region: string,
    monitorIds: readonly string[],
    check?: { intervalSeconds?: number; timeoutMs?: number; scheduledAtMs?: number },
  ): Promise<void>;
  close(): Promise<void>;
}

/** startProbeTestApi serves the API with probes, leases of `leaseMs`. */
export async function startProbeTestApi(
  name: string,
  options: { leaseMs?: number; defaultRegion?: string } & TestApiOptions = {},
): Promise<ProbeTestApi> {
  const { leaseMs = 2000, defaultRegion = "local", ...more } = options;
  const api = await startTestApi(name, {
    trustProxy: true,
    passwordParams: FAST_SCRYPT,
    defaultRegion,
  });
  const bull = createRedis(TEST_REDIS_URL, "bullmq", `${name}-probe-bull`);
  const registry = createMetricsRegistry();
  const regions = startProbeRegions({
    metrics: createProbeLeaseMetrics(registry),
    pool: api.db.pool,
    redis: api.redis,
    bullConnection: bull,
    prefix: api.prefix,
    defaultRegion,
    leaseMs,
    reconcileEveryMs: 500,
    refreshEveryMs: 500,
    log: silentLogger,
  });
  const baseUrl = await api.serve({
    trustProxy: true,
    passwordParams: FAST_SCRYPT,
    defaultRegion,
    probes: { regions },
    ...more,
  });
  const signUp = async (fields: Record<string, string> = {}) =>
    cookieOf(
      await postRpc(baseUrl, "AuthService/SignUp", {
        email: uniqueEmail(),
        password: "correct horse battery",
        name: "Ada",
        orgName: "Org",
        ...fields,
      }),
    );
  const operatorAdmin = await signUp();
  const queues = new Map<string, CheckQueue>();
  const queue = (region: string) => {
    let q = queues.get(region);
    if (!q) {
      q = createCheckQueue(bull, api.prefix, region);
      queues.set(region, q);
    }
    return q;
  };
  return {
    api,
    baseUrl,
    regions,
    async counted(metric, labels) {
      const values = (await registry.getSingleMetric(metric)?.get())?.values ?? [];
      const match = values.find((v) =>
        Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
      );
      return match?.value ?? 0;
    },
    bull,
    operatorAdmin,
    signUp,
    async createProbeToken(region, tokenName = `probe of ${region}`) {
      const answer = await postRpc(
        baseUrl,
        "ProbeService/CreateProbeToken",
        { name: tokenName, region },
        { cookie: operatorAdmin },
      );
      if (answer.status !== 200)
        throw new Error(`CreateProbeToken: ${JSON.stringify(answer.body)}`);
      const probeToken = answer.body.probeToken as { id: string };
      return { id: probeToken.id, token: String(answer.body.token) };
    },
    queue,
    async enqueue(region, monitorIds, check = {}) {
      const scheduledAtMs = check.scheduledAtMs ?? Date.now();
      await addCheckBatch(
        queue(region),
        monitorIds.map((monitorId) =>
          create(CheckJobSchema, {
            monitorId,
            intervalSeconds: check.intervalSeconds ?? 60,
            scheduledAtMs,
            target: {
              url: "https://example.com/",
              method: "GET",
              timeoutMs: check.timeoutMs ?? 500,
            },
          }),
        ),
      );
    },
    async close() {
      await regions.close();
      for (const q of queues.values()) await q.close();
      await api.close();
      bull.disconnect();
    },
  };
}
