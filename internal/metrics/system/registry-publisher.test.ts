import { create } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckResultSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { deleteKeys } from "../../../test/support/redis-keys.js";
import { silentLogger } from "../../core/logger.js";
import { createRedis } from "../../redis/redis.js";
import { createApiMetrics } from "../api-metrics.js";
import { createMetricsRegistry } from "../registry.js";
import { registerStreamClients } from "../stream-clients.js";
import { createWorkerMetrics } from "../worker-metrics.js";
import { MAX_PUBLISHED_BYTES, processIndexKey, readingKey } from "./published.js";
import { readPublishedRegistries } from "./readings.js";
import { processId, readRegistry, startRegistryPublisher } from "./registry-publisher.js";
import { createSystemStatsSource } from "./system-stats-source.js";

// A worker's and an API's real registries published through the real Redis, and read back as
// the System page reads them. The clock is the test's: publications happen when it says.

let redis: Redis;
let prefix: string;
let clock = 1_800_000_000_000;
const now = () => clock;
/** Long enough that no timer fires during a test: publications are called by hand. */
const NEVER = 3_600_000;

beforeAll(() => {
  redis = createRedis(TEST_REDIS_URL, "command", "registry-publisher-test");
  prefix = uniquePrefix("system");
});

afterAll(async () => {
  await deleteKeys(redis, `${prefix}:*`);
  redis.disconnect();
});

const upCheck = () =>
  create(CheckResultSchema, { up: true, timing: { totalMs: 20, connectMs: 2, ttfbMs: 10 } });

describe("the registry publisher and the System page's reader", () => {
  it("publish a worker's and an API's series through Redis and read them as rates", async () => {
    const worker = createWorkerMetrics(createMetricsRegistry());
    const api = createApiMetrics(createMetricsRegistry());
    registerStreamClients(api.registry, { clientCount: () => 3 });
    const workerPublisher = startRegistryPublisher({
      registry: worker.registry,
      redis,
      prefix,
      kind: "worker",
      id: processId("box", 101),
      log: silentLogger,
      intervalMs: NEVER,
      now,
    });
    const apiPublisher = startRegistryPublisher({
      registry: api.registry,
      redis,
      prefix,
      kind: "api",
      id: processId("box", 102),
      log: silentLogger,
      intervalMs: NEVER,
      now,
    });
    const source = createSystemStatsSource({ redis, prefix, log: silentLogger, now });
    try {
      await Promise.all([workerPublisher.publish(), apiPublisher.publish()]);
      const first = await source.stats(60);
      expect(first.workers).toBe(1);
      expect(first.apiProcesses).toBe(1);
      expect(first.checksPerSecond).toBe(0);

      clock += 10_000;
      for (let i = 0; i < 30; i++) worker.observeCheck(upCheck(), 4);
      for (let i = 0; i < 20; i++) api.observeRpc("pulsar.v1.AuthService/Me", "ok", 0.002);
      api.observeRpc("pulsar.v1.AuthService/Me", "unauthenticated", 0.001);
      await Promise.all([workerPublisher.publish(), apiPublisher.publish()]);
      const stats = await source.stats(60);
      expect(stats.windowSeconds).toBe(10);
      expect(stats.checksPerSecond).toBeCloseTo(3);
      expect(stats.checkOutcomes.find((o) => o.label === "up")?.perSecond).toBeCloseTo(3);
      // Every check was 4 ms late: in the (2.5 ms, 5 ms] bucket or thereabouts.
      expect(stats.latenessP50Ms).toBeGreaterThan(0);
      expect(stats.latenessP99Ms).toBeLessThanOrEqual(10);
      expect(stats.rpcs).toHaveLength(1);
      expect(stats.rpcs[0]).toMatchObject({ method: "pulsar.v1.AuthService/Me" });
      expect(stats.rpcs[0]?.perSecond).toBeCloseTo(2.1);
      expect(stats.rpcs[0]?.errorsPerSecond).toBeCloseTo(0.1);
      expect(stats.rpcs[0]?.p50Ms).toBeGreaterThan(0);
      expect(stats.streamClients).toBe(3);
      const ids = stats.processes.map((p) => `${p.kind} ${p.id}`);
      expect(ids).toEqual(["api box:102", "worker box:101"]);
      for (const p of stats.processes) {
        expect(p.residentBytes).toBeGreaterThan(10 * 2 ** 20);
        expect(p.cpuPercent).toBeGreaterThan(0);
      }
    } finally {
      await workerPublisher.stop();
      await apiPublisher.stop();
    }
  });

  it("removes a stopped process's reading at once, and a silent one's after 30 s", async () => {
    const local = uniquePrefix("system-stop");
    const publisher = (id: string) =>
      startRegistryPublisher({
        registry: createWorkerMetrics(createMetricsRegistry({ processMetrics: false })).registry,
        redis,
        prefix: local,
        kind: "worker",
        id,
        log: silentLogger,
        intervalMs: NEVER,
        now,
      });
    const stopping = publisher("a:1");
    const silent = publisher("b:2");
    await Promise.all([stopping.publish(), silent.publish()]);
    expect((await readPublishedRegistries(redis, local, clock)).map((r) => r.id).sort()).toEqual([
      "a:1",
      "b:2",
    ]);
    await stopping.stop();
    expect(await redis.exists(readingKey(local, "worker", "a:1"))).toBe(0);
    expect((await readPublishedRegistries(redis, local, clock)).map((r) => r.id)).toEqual(["b:2"]);
    expect(await readPublishedRegistries(redis, local, clock + 31_000)).toEqual([]);
    expect(await redis.ttl(readingKey(local, "worker", "b:2"))).toBeGreaterThan(0);
    expect(await redis.ttl(processIndexKey(local))).toBeGreaterThan(0);
    await silent.stop();
    await deleteKeys(redis, `${local}:*`);
  });

  it("logs a failed publication instead of throwing", async () => {
    const warnings: string[] = [];
    const broken = createRedis("redis://127.0.0.1:1", "command", "registry-publisher-broken");
    const publisher = startRegistryPublisher({
      registry: createMetricsRegistry(),
      redis: broken,
      prefix,
      kind: "worker",
      id: "c:3",
      log: { warn: (message) => warnings.push(message) },
      intervalMs: NEVER,
      now,
    });
    await publisher.publish();
    expect(warnings).toContain("publishing the metrics registry failed; retrying next interval");
    await publisher.stop();
    broken.disconnect();
  });

  it("costs a few milliseconds of CPU per publication of a busy API's registry at most", async () => {
    const api = createApiMetrics(createMetricsRegistry());
    // Fifty methods called with every code: more series than the API has.
    for (let m = 0; m < 50; m++) {
      for (const code of ["ok", "invalid_argument", "not_found", "permission_denied"]) {
        api.observeRpc(`pulsar.v1.Service${m}/Method${m}`, code, 0.01 * m);
      }
    }
    const reading = await readRegistry(api.registry, { kind: "api", id: "x:1", at: clock });
    const bytes = JSON.stringify(reading).length;
    const publisher = startRegistryPublisher({
      registry: api.registry,
      redis,
      prefix: uniquePrefix("system-cost"),
      kind: "api",
      id: "x:1",
      log: silentLogger,
      intervalMs: NEVER,
      now,
    });
    // Warm: the first runs compile the code paths.
    for (let i = 0; i < 20; i++) await publisher.publish();
    const runs = 100;
    const cpu = process.cpuUsage();
    for (let i = 0; i < runs; i++) await publisher.publish();
    const used = process.cpuUsage(cpu);
    const msPerPublish = (used.user + used.system) / 1000 / runs;
    console.log(
      `publishing an API registry of ${(bytes / 1024).toFixed(1)} KiB: ${msPerPublish.toFixed(2)} ms of CPU each`,
    );
    await publisher.stop();
    expect(bytes).toBeLessThan(MAX_PUBLISHED_BYTES);
    // Every 5 s: 5 ms would be 0.1 % of a core.
    expect(msPerPublish).toBeLessThan(5);
  });
});
