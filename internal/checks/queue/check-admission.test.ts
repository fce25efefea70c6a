import { randomUUID } from "node:crypto";
import type { JsonObject } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../../gen/pulsar/v1/check_pb.js";
import { eventually } from "../../../test/support/eventually.js";
import { type GatedTarget, startGatedTarget } from "../../../test/support/gated-target.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { checkTarget } from "../../../test/support/targets.js";
import { silentLogger } from "../../core/logger.js";
import { OrgSlots } from "../../core/org-slots.js";
import { createRedis } from "../../redis/redis.js";
import { createCheckProcessor, scheduledAtMs } from "../check-processor.js";
import { runCheck } from "../http/index.js";
import { createMonitorLocks } from "../monitor-locks.js";
import { type CheckJobLike, createCheckAdmission } from "./check-admission.js";
import {
  CHECK_JOB_NAME,
  CHECK_JOB_OPTIONS,
  CHECK_QUEUE,
  type CheckQueue,
  createCheckQueue,
  encodeCheckJob,
} from "./check-queue.js";

// The processor with admission on a real BullMQ worker (concurrency 10, at most 2 checks per
// organization), checking a local server that holds every request until the test opens it.

const MAX_PER_ORG = 2;
let gate: GatedTarget;
let bull: Redis;
let redis: Redis;
let queue: CheckQueue;
let worker: Worker<JsonObject, void, string>;
const results: CheckResult[] = [];
/** When each monitor's job was queued: its intended start. */
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
      slots: new OrgSlots<CheckJobLike>({ maxPerOrg: MAX_PER_ORG }),
      metrics: {
        observeDroppedCheck: () => void counted.dropped++,
        observeDeferredJob: () => void counted.deferred++,
      },
      log: silentLogger,
    }),
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

/** addCheck queues an immediate check of `path` on the gate for `orgId`. */
async function addCheck(orgId: string, path: string, intervalSeconds = 60) {
  const monitorId = randomUUID();
  const data = encodeCheckJob({
    monitorId,
    orgId,
    intervalSeconds,
    target: checkTarget(`${gate.url}${path}`, { timeoutMs: 20_000 }),
  });
  const job = await queue.add(CHECK_JOB_NAME, data, CHECK_JOB_OPTIONS);
  queuedAt.set(monitorId, job.timestamp);
  return { monitorId, job };
}

const heldUnder = (prefix: string) => gate.held().filter((path) => path.startsWith(prefix));

describe("check admission", () => {
  it("runs at most its maximum of one organization's checks; another's start at once", async () => {
    // Thirty checks of one organization would take every one of the worker's ten slots.
    for (let i = 0; i < 30; i++) await addCheck("crowd", `/crowd/${i}`);
    await eventually(() => counted.deferred >= 28, {
      what: "the crowd's checks to be deferred",
      timeoutMs: 10_000,
    });
    expect(heldUnder("/crowd/")).toHaveLength(MAX_PER_ORG);
    await addCheck("quiet", "/quiet/1");
    await eventually(() => gate.held().includes("/quiet/1"), {
      what: "the quiet organization's check to reach the target",
      timeoutMs: 10_000,
    });
    expect(heldUnder("/crowd/")).toHaveLength(MAX_PER_ORG);
    expect(await queue.getDelayedCount()).toBeGreaterThanOrEqual(28);
    gate.open("/quiet/");
  });

  it("wakes a deferred check as soon as its organization frees a slot, keeping its intended start", async () => {
    const first = heldUnder("/crowd/");
    expect(first).toHaveLength(MAX_PER_ORG);
    gate.open(first[0]);
    // Its own timer would bring it back a whole interval (60 s) after it was queued.
    await eventually(
      () => {
        const now = heldUnder("/crowd/");
        return now.length === MAX_PER_ORG && !now.includes(first[0] ?? "");
      },
      { what: "a deferred check to take the freed slot", timeoutMs: 10_000 },
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
    // Every result's scheduledAt is when its job was queued, however often it was deferred.
    for (const result of results) {
      if (!result.scheduledAt) throw new Error("a result without scheduledAt");
      expect(timestampMs(result.scheduledAt)).toBe(queuedAt.get(result.monitorId));
    }
  }, 45_000);

  it("drops a deferred check once it is a whole interval late, without checking", async () => {
    await addCheck("stuck", "/stuck/1");
    await addCheck("stuck", "/stuck/2");
    await eventually(() => heldUnder("/stuck/").length === 2, {
      what: "the organization to be at its maximum",
      timeoutMs: 10_000,
    });
    const droppedBefore = counted.dropped;
    const { job } = await addCheck("stuck", "/stuck/late", 1);
    await eventually(() => counted.dropped > droppedBefore, {
      what: "the late check to be dropped",
      timeoutMs: 10_000,
    });
    expect(gate.received()).not.toContain("/stuck/late");
    expect(await queue.getJob(job.id ?? "")).toBeUndefined();
  });

  it("lets a job scheduler go on making the next check while the last one waits", async () => {
    expect(heldUnder("/stuck/")).toHaveLength(2);
    const monitorId = randomUUID();
    const droppedBefore = counted.dropped;
    await queue.upsertJobScheduler(
      monitorId,
      { every: 1000, offset: 1 },
      {
        name: CHECK_JOB_NAME,
        data: encodeCheckJob({
          monitorId,
          orgId: "stuck",
          intervalSeconds: 1,
          target: checkTarget(`${gate.url}/stuck/scheduled`, { timeoutMs: 20_000 }),
        }),
        opts: CHECK_JOB_OPTIONS,
      },
    );
    // A deferred iteration still says when its scheduler meant it to start (the id's instant):
    // moveToDelayed left its timestamp and opts.delay alone.
    const deferred: Job<JsonObject> = await eventually(
      async () =>
        (await queue.getJobs(["delayed"])).find(
          (j) => j.data.monitorId === monitorId && j.attemptsStarted >= 1,
        ),
      { what: "an iteration to be deferred", timeoutMs: 10_000 },
    );
    const intended = Number(deferred.id?.split(":").pop());
    expect(scheduledAtMs(deferred)).toBe(intended);
    // Each iteration waits for its turn, is dropped a second late, and the next one follows.
    await eventually(() => counted.dropped >= droppedBefore + 3, {
      what: "three iterations to be dropped",
      timeoutMs: 10_000,
    });
    const scheduler = await queue.getJobScheduler(monitorId);
    expect(scheduler?.next).toBeGreaterThan(Date.now() - 1000);
    // No backlog: at most the waiting iteration and the next one are queued.
    const delayed = await queue.getJobs(["delayed", "wait"]);
    expect(delayed.filter((j) => j.data.monitorId === monitorId).length).toBeLessThanOrEqual(2);
    expect(gate.received()).not.toContain("/stuck/scheduled");
    await queue.removeJobScheduler(monitorId);
    gate.open("/stuck/");
  }, 20_000);
});

describe("createCheckAdmission's staleness rule", () => {
  const now = 1_000_000;
  const admission = () =>
    createCheckAdmission({
      slots: new OrgSlots<CheckJobLike>({ maxPerOrg: 1 }),
      log: silentLogger,
      now: () => now,
    });
  const job = (attemptsStarted: number): CheckJobLike => ({
    id: "job",
    attemptsStarted,
    moveToDelayed: async () => {},
    promote: async () => {},
  });
  const request = (attemptsStarted: number, lateMs: number) => ({
    job: job(attemptsStarted),
    token: "token",
    orgId: "org",
    scheduledAtMs: now - lateMs,
    intervalMs: 10_000,
    timeoutMs: 5000,
  });

  it("drops a job started before (deferred, or handed over) once it is a whole interval late", async () => {
    expect(await admission().admit(request(2, 10_000))).toBeUndefined();
  });

  it("runs a late job taken for the first time when its organization has a free slot", async () => {
    expect(await admission().admit(request(1, 12_000))).toBeDefined();
    expect(await admission().admit(request(2, 9_899))).toBeDefined();
  });

  it("drops a deferred job admitted within 100 ms of its interval's end: it would start after it", async () => {
    expect(await admission().admit(request(2, 9_901))).toBeUndefined();
  });
});
