import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { create, type JsonObject } from "@bufbuild/protobuf";
import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import pLimit from "p-limit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckJobSchema, type CheckResult } from "../../gen/pulsar/v1/check_pb.js";
import { eventually } from "../../test/support/eventually.js";
import { type GatedTarget, startGatedTarget } from "../../test/support/gated-target.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { checkTarget } from "../../test/support/targets.js";
import { silentLogger } from "../core/logger.js";
import { createRedis } from "../redis/redis.js";
import { createCheckProcessor } from "./check-processor.js";
import { runCheck } from "./http/index.js";
import { createMonitorLocks } from "./monitor-locks.js";
import { encodeCheckBatch, encodeCheckJob } from "./queue/check-queue.js";

// The processor's check slots bound the checks on the network, not the jobs it holds: a job
// whose result waits for its batch to be written holds no slot. Real checks of a local server
// that holds every request until the test opens it; the batch writer is a gate of the test's.

let gate: GatedTarget;
let redis: Redis;
const prefix = uniquePrefix("check-processor");

beforeAll(async () => {
  gate = await startGatedTarget();
  redis = createRedis(TEST_REDIS_URL, "command", "check-processor-test");
});

afterAll(async () => {
  gate.open();
  redis.disconnect();
  await gate.close();
});

/** A job as BullMQ hands it to the processor, for a check of `path` on the gate. */
function checkJob(path: string): Job<JsonObject> {
  const data = encodeCheckJob({
    monitorId: randomUUID(),
    orgId: "",
    intervalSeconds: 60,
    target: checkTarget(`${gate.url}${path}`, { timeoutMs: 20_000 }),
    regions: [],
  });
  return { id: path, data, timestamp: Date.now(), opts: {} } as unknown as Job<JsonObject>;
}

describe("check slots", () => {
  it("bound the checks running at once; results waiting to be stored hold none", async () => {
    const waiting: CheckResult[] = [];
    let store = () => {};
    const stored = new Promise<void>((resolve) => {
      store = resolve;
    });
    const process = createCheckProcessor({
      runCheck,
      // Like the batch writer: add() resolves only once the batch is written.
      writer: {
        add: async (result) => {
          waiting.push(result);
          await stored;
        },
      },
      locks: createMonitorLocks(redis, prefix),
      checkSlots: pLimit(2),
      region: "test",
      log: silentLogger,
    });
    const jobs = ["/a", "/b", "/c", "/d", "/e"].map((path) => process(checkJob(path)));

    await eventually(() => gate.held().length === 2, { what: "two checks to reach the target" });
    // A third never starts while two run.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(gate.held()).toEqual(["/a", "/b"]);

    gate.open();
    // Their results wait for the write, and the next two checks run meanwhile.
    await eventually(() => waiting.length === 2 && gate.held().length === 2, {
      what: "two results waiting to be stored while the next two checks run",
    });
    expect(gate.held()).toEqual(["/c", "/d"]);

    gate.open();
    await eventually(() => gate.held().length === 1, { what: "the last check to start" });
    gate.open();
    await eventually(() => waiting.length === 5, { what: "every result to reach the writer" });
    expect(waiting.every((result) => result.up)).toBe(true);
    store();
    await Promise.all(jobs);
  });
});

describe("a job of many checks", () => {
  it("shares the job's abort signal among its checks without a MaxListenersExceededWarning", async () => {
    const server = createServer((_req, res) => res.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on("warning", onWarning);
    try {
      const stored: CheckResult[] = [];
      const run = createCheckProcessor({
        runCheck,
        writer: { add: async (result) => void stored.push(result) },
        locks: createMonitorLocks(redis, prefix),
        region: "test",
        log: silentLogger,
      });
      const checks = Array.from({ length: 30 }, () =>
        create(CheckJobSchema, {
          monitorId: randomUUID(),
          intervalSeconds: 60,
          scheduledAtMs: Date.now(),
          target: checkTarget(url, { timeoutMs: 5_000 }),
        }),
      );
      const job = { id: "many", data: encodeCheckBatch(checks), timestamp: Date.now(), opts: {} };
      await run(job as unknown as Job<JsonObject>, undefined, new AbortController().signal);
      expect(stored.filter((result) => result.up)).toHaveLength(30);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.startsWith("MaxListenersExceededWarning"))).toEqual([]);
    } finally {
      process.off("warning", onWarning);
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
