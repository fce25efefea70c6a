/**
 * Micro-benchmark of publishing stored check results live: the worker's CPU per result in
 * StreamPublisher.publishCheckResults, for batches of B results of one organization, on a real
 * Redis, and Redis's (INFO cpu: the server's whole, so keep it otherwise idle). Nothing
 * subscribes: an API's side is not counted. Run with
 * `npx tsx bench/publish-results.ts [batches] [batchSize]` (default 5000 batches of 20, about
 * a 100 ms batch at 200 checks/s); REDIS_URL picks the server (default 127.0.0.1:6379).
 */
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { CheckResultSchema } from "../gen/pulsar/v1/check_pb.js";
import { createRedis } from "../internal/redis/redis.js";
import { createStreamPublisher } from "../internal/stream/publisher.js";

const batches = Number(process.argv[2] ?? 5000);
const batchSize = Number(process.argv[3] ?? 20);
const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", "command", "bench");
const publisher = createStreamPublisher(redis, `bench-publish-${randomUUID()}`);
const org = randomUUID();
const results = Array.from({ length: batchSize }, () =>
  create(CheckResultSchema, {
    monitorId: randomUUID(),
    checkedAt: timestampFromMs(Date.now()),
    scheduledAt: timestampFromMs(Date.now()),
    up: true,
    statusCode: 200,
    timing: { dnsMs: 0.1, connectMs: 0.3, ttfbMs: 50, downloadMs: 0.2, totalMs: 51 },
    responseBytes: 1234n,
    region: "local",
    remoteAddress: "127.0.0.1",
  }),
);
const owners = new Map(results.map((result) => [result.monitorId, org]));

/** redisCpuUs is redis-server's CPU time so far, user and system, in µs. */
async function redisCpuUs(): Promise<number> {
  const info = await redis.info("cpu");
  const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1e6;
}

try {
  // Warm-up: the publisher's code optimized before it is timed.
  for (let i = 0; i < batches / 10; i++) await publisher.publishCheckResults(results, owners);
  const redisBefore = await redisCpuUs();
  const before = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < batches; i++) await publisher.publishCheckResults(results, owners);
  const cpu = process.cpuUsage(before);
  const redisUs = (await redisCpuUs()) - redisBefore;
  const report = {
    node: process.version,
    batches,
    batchSize,
    cpuUsPerResult: Number(((cpu.user + cpu.system) / (batches * batchSize)).toFixed(2)),
    redisCpuUsPerResult: Number((redisUs / (batches * batchSize)).toFixed(2)),
    resultsPerSecond: Math.round((batches * batchSize) / ((performance.now() - started) / 1000)),
  };
  console.log(JSON.stringify(report));
} finally {
  redis.disconnect();
}
