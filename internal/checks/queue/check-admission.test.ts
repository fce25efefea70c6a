import { randomUUID } from "node:crypto";
import { create, type JsonObject } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CheckJob,
  CheckJobSchema,
  type CheckResult,
} from "../../../gen/pulsar/v1/check_pb.js";
import { eventually } from "../../../test/support/eventually.js";
import { type GatedTarget, startGatedTarget } from "../../../test/support/gated-target.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { checkTarget } from "../../../test/support/targets.js";
import { silentLogger } from "../../core/logger.js";
import { OrgSlots } from "../../core/org-slots.js";
import { createRedis } from "../../redis/redis.js";
import { createCheckProcessor } from "../check-processor.js";
import { runCheck } from "../http/index.js";
import { createMonitorLocks } from "../monitor-locks.js";
import { createCheckAdmission, type WaitingChecks } from "./check-admission.js";
import {
  addCheckBatch,
  CHECK_QUEUE,
  type CheckQueue,
  createCheckQueue,
  decodeCheckBatch,
  encodeCheckBatch,
} from "./check-queue.js";

// The processor with admission on a real BullMQ worker (concurrency 10, at most 2 checks per
// organization), checking a local server that holds every request until the test opens it. Each
// job is a batch of checks, as the dispatcher queues them.

const MAX_PER_ORG = 2;
let gate: GatedTarget;
let bull: Redis;
let redis: Redis;
let queue: CheckQueue;
let worker: Worker<JsonObject, void, string>;
const results: CheckResult[] = [];
/** When each monitor's check was meant to start. */
const queuedAt = new Map<string, number>();
const counted = { dropped: 0, deferred: 0 };

beforeAll(async () => {
  gate = await startGatedTarget();
  const prefix = uniquePrefix("admission");
  bull = createRedis(TEST_REDIS_URL, "bullmq", "admission-test");
  redis = createRedis(TEST_REDIS_URL, "command", "admission-test-locks");
  queue = createCheckQueue(bull, prefix);
  const processor = createCheckProcessor({
    runCheck,
    writer: { add: async (result) => void results.push(result) },
    locks: createMonitorLocks(redis, prefix),
    region: "test",
    log: silentLogger,
    admission: createCheckAdmission({
      slots: new OrgSlots<WaitingChecks>({ maxPerOrg: MAX_PER_ORG }),
      requeue: (checks, untilMs) => addCheckBatch(queue, checks, untilMs - Date.now()),
      metrics: {
        observeDroppedCheck: (count = 1) => {
          counted.dropped += count;
        },
        observeDeferredJob: () => void counted.deferred++,
      },
      log: silentLogger,
    }),
    metrics: {
      observeCheck: () => {},
      observeSkippedCheck: () => {},
      observeDroppedCheck: (count = 1) => {
        counted.dropped += count;
      },
    },
  });
  worker = new Worker<JsonObject, void, string>(CHECK_QUEUE, processor, {
    connection: bull,
    prefix,
    concurrency: 10,
  });
});

afterAll(async () => {
  gate.open();
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  bull.disconnect();
  redis.disconnect();
  await gate.close();
});

/** check is a check of `path` on the gate for `orgId`, meant to start now. */
function check(orgId: string, path: string, intervalSeconds = 60): CheckJob {
  const monitorId = randomUUID();
  const scheduledAtMs = Date.now();
  queuedAt.set(monitorId, scheduledAtMs);
  return create(CheckJobSchema, {
    monitorId,
    orgId,
    intervalSeconds,
    target: checkTarget(`${gate.url}${path}`, { timeoutMs: 20_000 }),
    scheduledAtMs,
  });
}

/** addBatch queues checks as one job, as the dispatcher does with a slot's checks. */
const addBatch = (checks: CheckJob[]) => addCheckBatch(queue, checks);

/** waitingOf lists the checks of `orgId` in delayed jobs, by path. */
async function waitingOf(orgId: string): Promise<string[][]> {
  const jobs = await queue.getJobs(["delayed"]);
  return jobs
    .map((job) => decodeCheckBatch(job.data, job).filter((c) => c.orgId === orgId))
    .filter((checks) => checks.length > 0)
    .map((checks) => checks.map((c) => new URL(c.target?.url ?? "").pathname));
}

const heldUnder = (prefix: string) => gate.held().filter((path) => path.startsWith(prefix));

describe("check admission", () => {
  it("runs at most its maximum of one organization's checks; another's start at once", async () => {
    // Thirty checks of one organization would take every one of the worker's ten slots.
    await addBatch(Array.from({ length: 30 }, (_, i) => check("crowd", `/crowd/${i}`)));
    await eventually(() => heldUnder("/crowd/").length === MAX_PER_ORG, {
      what: "the crowd's first checks to reach the target",
      timeoutMs: 10_000,
    });
    // The other 28 wait in Redis, in one job: none holds a slot of the worker.
    expect((await waitingOf("crowd")).map((paths) => paths.length)).toEqual([28]);
    expect(counted.deferred).toBe(1);
    await addBatch([check("quiet", "/quiet/1")]);
    await eventually(() => gate.held().includes("/quiet/1"), {
      what: "the quiet organization's check to reach the target",
      timeoutMs: 10_000,
    });
    expect(heldUnder("/crowd/")).toHaveLength(MAX_PER_ORG);
    gate.open("/quiet/");
  });

  it("wakes waiting checks as soon as their organization frees a slot, keeping their intended start", async () => {
    const first = heldUnder("/crowd/");
    expect(first).toHaveLength(MAX_PER_ORG);
    gate.open(first[0]);
    // Their job's own timer would bring them back a whole interval (60 s) after they were due.
    await eventually(
      () => {
        const now = heldUnder("/crowd/");
        return now.length === MAX_PER_ORG && !now.includes(first[0] ?? "");
      },
      { what: "a waiting check to take the freed slot", timeoutMs: 10_000 },
    );
    // Let the rest through, two at a time.
    await eventually(
      () => {
        gate.open("/crowd/");
        return results.filter((r) => r.up).length >= 31;
      },
      { what: "every check of the crowd to finish", timeoutMs: 30_000 },
    );
    const jobs = await queue.getJobs(["completed", "delayed", "active", "wait"]);
    expect(jobs).toHaveLength(0); // completed jobs are removed at once
    // Every result's scheduledAt is when its check was due, however often it waited.
    expect(results).toHaveLength(31);
    for (const result of results) {
      if (!result.scheduledAt) throw new Error("a result without scheduledAt");
      expect(timestampMs(result.scheduledAt)).toBe(queuedAt.get(result.monitorId));
    }
  }, 45_000);

  it("splits a batch of several organizations: each runs its share, each one's excess waits apart", async () => {
    const deferredBefore = counted.deferred;
    await addBatch(
      ["a", "b", "c"].flatMap((org) =>
        [1, 2, 3, 4].map((i) => check(`split-${org}`, `/split-${org}/${i}`)),
      ),
    );
    await eventually(() => heldUnder("/split-").length === 3 * MAX_PER_ORG, {
      what: "each organization's share to reach the target",
      timeoutMs: 10_000,
    });
    for (const org of ["a", "b", "c"]) {
      expect(heldUnder(`/split-${org}/`)).toHaveLength(MAX_PER_ORG);
      expect(await waitingOf(`split-${org}`)).toEqual([[`/split-${org}/3`, `/split-${org}/4`]]);
    }
    expect(counted.deferred - deferredBefore).toBe(3);
    await eventually(
      () => {
        gate.open("/split-");
        return results.filter((r) => r.up).length >= 31 + 12;
      },
      { what: "every split check to finish", timeoutMs: 20_000 },
    );
  }, 30_000);

  it("drops waiting checks once they are a whole interval late, without checking", async () => {
    await addBatch([check("stuck", "/stuck/1"), check("stuck", "/stuck/2")]);
    await eventually(() => heldUnder("/stuck/").length === 2, {
      what: "the organization to be at its maximum",
      timeoutMs: 10_000,
    });
    const droppedBefore = counted.dropped;
    await addBatch([check("stuck", "/stuck/late", 1)]);
    await eventually(() => counted.dropped > droppedBefore, {
      what: "the late check to be dropped",
      timeoutMs: 10_000,
    });
    expect(gate.received()).not.toContain("/stuck/late");
    await eventually(async () => (await queue.getJobs(["delayed", "wait"])).length === 0, {
      what: "the dropped check's job to be gone",
      timeoutMs: 5000,
    });
    gate.open("/stuck/");
  });
});

describe("the processor's staleness rule", () => {
  const now = 1_000_000;
  const checked: string[] = [];
  const dropped: number[] = [];
  const processor = createCheckProcessor({
    runCheck: async (target) => {
      checked.push(target.url);
      throw new Error("stop after the check began");
    },
    writer: { add: async () => {} },
    locks: { acquire: async (requests) => requests.map(() => () => {}), flush: async () => {} },
    region: "test",
    log: silentLogger,
    metrics: {
      observeCheck: () => {},
      observeSkippedCheck: () => {},
      observeDroppedCheck: (count = 1) => void dropped.push(count),
    },
    now: () => now,
  });
  const late = (lateMs: number) =>
    create(CheckJobSchema, {
      monitorId: randomUUID(),
      intervalSeconds: 10,
      target: checkTarget(`http://127.0.0.1:1/late/${lateMs}`),
      scheduledAtMs: now - lateMs,
    });
  const run = (checks: CheckJob[]) =>
    processor({ id: "1", data: encodeCheckBatch(checks), timestamp: 0, opts: {} } as never);

  it("drops a check a whole interval late, or within 100 ms of it: it would start after it", async () => {
    await run([late(10_000), late(9_901)]);
    expect(checked).toEqual([]);
    expect(dropped).toEqual([2]);
  });

  it("runs a late check still within its interval", async () => {
    await expect(run([late(9_899), late(12_000)])).rejects.toThrow("stop after the check began");
    expect(checked).toEqual(["http://127.0.0.1:1/late/9899"]);
    expect(dropped).toEqual([2, 1]);
  });
});
