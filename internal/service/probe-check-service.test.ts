import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type Client, Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import {
  CheckErrorKind,
  CheckJobSchema,
  type CheckResult,
  CheckResultSchema,
  CheckTimingSchema,
} from "../../gen/pulsar/v1/check_pb.js";
import { ProbeCheckService } from "../../gen/pulsar/v1/probe_pb.js";
import { createTestOrg } from "../../test/support/accounts.js";
import { insertMonitorRow } from "../../test/support/monitor-rows.js";
import { type ProbeTestApi, startProbeTestApi } from "../../test/support/probe-api.js";
import { TEST_REDIS_URL } from "../../test/support/redis.js";
import { refusal } from "../../test/support/refusal.js";
import { serviceClient } from "../../test/support/test-api.js";
import { createMonitorLocks } from "../checks/monitor-locks.js";
import { addCheckBatch } from "../checks/queue/check-queue.js";
import { monitorLockPrefix } from "../checks/queue/region-dispatch.js";
import { silentLogger } from "../core/logger.js";
import { createRedis } from "../redis/redis.js";
import { startProbeRegions } from "../regions/probe-regions.js";
import { createProbeTakeSlots } from "../regions/probe-take-slots.js";
import { readRegionPresence } from "../regions/region-presence.js";

// ProbeCheckService through the real API over HTTP, with real BullMQ queues of each region:
// leases of check jobs, their extension and lapse, and results stored under the token's region.

const LEASE_MS = 2000;

let t: ProbeTestApi;
let orgId: string;

/** probeOf makes a probe token of `region` and a client presenting it. */
async function probeOf(region: string): Promise<Client<typeof ProbeCheckService>> {
  const { token } = await t.createProbeToken(region);
  return serviceClient(ProbeCheckService, t.baseUrl, token);
}

/**
 * monitorIn stores a monitor listing `regions`. Paused unless told: the region's dispatch (the
 * API runs it for probe regions) then leaves it alone, and the tests queue its checks.
 */
async function monitorIn(regions: string[], enabled = false): Promise<string> {
  const id = await insertMonitorRow(t.api.db.pool, orgId, { enabled });
  await t.api.db.pool.query("UPDATE monitors SET regions = $2 WHERE id = $1", [id, regions]);
  return id;
}

type ResultInit = Exclude<MessageInitShape<typeof CheckResultSchema>, CheckResult>;

function resultOf(monitorId: string, fields: ResultInit = {}): CheckResult {
  const result = create(CheckResultSchema, fields);
  result.monitorId ||= monitorId;
  if (!("checkedAt" in fields)) result.checkedAt = timestampFromMs(Date.now());
  if (!("up" in fields)) result.up = true;
  if (!("statusCode" in fields)) result.statusCode = 200;
  result.timing ??= create(CheckTimingSchema, { dnsMs: 1, connectMs: 2, ttfbMs: 3, totalMs: 6 });
  return result;
}

async function storedRegions(monitorId: string): Promise<string[]> {
  const { rows } = await t.api.db.pool.query<{ region: string }>(
    "SELECT region FROM check_results WHERE monitor_id = $1 ORDER BY checked_at",
    [monitorId],
  );
  return rows.map((row) => row.region);
}

beforeAll(async () => {
  t = await startProbeTestApi("probe-checks", { leaseMs: LEASE_MS });
  orgId = (await createTestOrg(t.api.db.pool)).orgId;
});

afterAll(async () => {
  await t?.close();
});

/**
 * startSecondApi serves the probes from another API process, as it were: on the same Redis and
 * database, with its own leasing of the regions (which close() stops; its server stops with t).
 */
async function startSecondApi(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const bull = createRedis(TEST_REDIS_URL, "bullmq", "probe-checks-second-bull");
  const regions = startProbeRegions({
    pool: t.api.db.pool,
    redis: t.api.redis,
    bullConnection: bull,
    prefix: t.api.prefix,
    defaultRegion: "local",
    leaseMs: LEASE_MS,
    reconcileEveryMs: 500,
    log: silentLogger,
  });
  const baseUrl = await t.api.serve({
    trustProxy: true,
    defaultRegion: "local",
    probes: { regions },
  });
  return {
    baseUrl,
    async close() {
      await regions.close();
      bull.disconnect();
    },
  };
}

describe("TakeChecks", () => {
  it("hands out due checks of the token's region only, as leases", async () => {
    const probe = await probeOf("ta");
    await probeOf("tb");
    const [a, b] = [await monitorIn(["ta"]), await monitorIn(["tb"])];
    const scheduledAtMs = Date.now();
    await t.enqueue("ta", [a], { scheduledAtMs });
    await t.enqueue("tb", [b], { scheduledAtMs });
    const taken = await probe.takeChecks({ maxChecks: 10 });
    expect(taken.region).toBe("ta");
    expect(taken.leaseMs).toBe(LEASE_MS);
    expect(taken.leases).toHaveLength(1);
    expect(taken.leases[0]?.checks).toEqual([
      expect.objectContaining({ monitorId: a, scheduledAtMs, intervalSeconds: 60 }),
    ]);
    expect(taken.leases[0]?.checks[0]?.target?.url).toBe("https://example.com/");
    expect((await probe.takeChecks({ maxChecks: 10 })).leases).toEqual([]);
    // Region tb's job is still waiting for its own probes.
    expect(await t.queue("tb").getWaitingCount()).toBe(1);
  });

  it("gives at most maxChecks checks, the rest to the next call", async () => {
    const probe = await probeOf("tc");
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await monitorIn(["tc"]));
    await t.enqueue("tc", ids);
    const first = await probe.takeChecks({ maxChecks: 3 });
    const second = await probe.takeChecks({ maxChecks: 10 });
    const monitorsOf = (answer: typeof first) =>
      answer.leases.flatMap((lease) => lease.checks.map((check) => check.monitorId));
    expect(monitorsOf(first)).toHaveLength(3);
    expect(monitorsOf(second)).toHaveLength(2);
    expect([...monitorsOf(first), ...monitorsOf(second)].sort()).toEqual([...ids].sort());
  });

  it("drops a check a whole interval late and leaves out one whose monitor a worker is checking", async () => {
    const probe = await probeOf("td");
    const [late, busy, free] = [
      await monitorIn(["td"]),
      await monitorIn(["td"]),
      await monitorIn(["td"]),
    ];
    await t.enqueue("td", [late], { scheduledAtMs: Date.now() - 61_000, intervalSeconds: 60 });
    const worker = createMonitorLocks(t.api.redis, monitorLockPrefix(t.api.prefix, "td"));
    const [release] = await worker.acquire([{ monitorId: busy, ttlMs: 10_000 }]);
    await t.enqueue("td", [busy, free]);
    const taken = await probe.takeChecks({ maxChecks: 10 });
    expect(taken.leases.flatMap((l) => l.checks.map((c) => c.monitorId))).toEqual([free]);
    // The late job is completed, not left active.
    expect(await t.queue("td").getActiveCount()).toBe(1);
    const checks = (outcome: string) =>
      t.counted("pulsar_probe_checks_total", { region: "td", outcome });
    expect([await checks("stale"), await checks("locked"), await checks("leased")]).toEqual([
      1, 1, 1,
    ]);
    release?.();
  });

  it("hands a check falling due during the wait to the waiting TakeChecks within 200 ms", async () => {
    const probe = await probeOf("tk");
    const id = await monitorIn(["tk"]);
    const waiting = probe.takeChecks({ maxChecks: 10, waitMs: 5000 });
    await sleep(300);
    // Queued to start 800 ms from now, as a worker puts back a check it could not start yet.
    const check = create(CheckJobSchema, {
      monitorId: id,
      intervalSeconds: 60,
      scheduledAtMs: Date.now() + 800,
      target: { url: "https://example.com/", method: "GET", timeoutMs: 500 },
    });
    const job = await addCheckBatch(t.queue("tk"), [check], 800);
    const taken = await waiting;
    const lateMs = Date.now() - (job.timestamp + 800);
    expect(taken.leases.flatMap((l) => l.checks.map((c) => c.monitorId))).toEqual([id]);
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(200);
  });

  it("waits up to waitMs for checks to fall due", async () => {
    const probe = await probeOf("te");
    const id = await monitorIn(["te"]);
    const started = Date.now();
    setTimeout(() => void t.enqueue("te", [id]), 500);
    const taken = await probe.takeChecks({ maxChecks: 10, waitMs: 5000 });
    expect(taken.leases).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("takes due checks of a region served by probes alone off its schedule (the API's dispatch), within 200 ms of their slot", async () => {
    const probe = await probeOf("tf");
    const id = await monitorIn(["tf"]);
    // Enabled at its 10 s interval at once: the dispatch's reconciliation then schedules it.
    await t.api.db.pool.query(
      "UPDATE monitors SET interval_seconds = 10, enabled = true WHERE id = $1",
      [id],
    );
    const taken = await probe.takeChecks({ maxChecks: 10, waitMs: 15_000 });
    const answeredAtMs = Date.now();
    const checks = taken.leases.flatMap((l) => l.checks);
    expect(checks.map((c) => c.monitorId)).toEqual([id]);
    // The dispatch queues a slot's checks as it falls due, which wakes the waiting TakeChecks.
    expect(answeredAtMs - (checks[0]?.scheduledAtMs ?? 0)).toBeLessThan(200);
  }, 20_000);

  it("records the probe as seen, with its version and clock offset", async () => {
    const probe = await probeOf("tg");
    await probe.takeChecks({
      maxChecks: 1,
      stats: {
        version: "9.9.9",
        checksPerSecond: 2.5,
        latenessP99Ms: 40,
        sentAt: timestampFromMs(Date.now() + 5000),
      },
    });
    const presence = await readRegionPresence(t.api.redis, t.api.prefix, "tg");
    expect(presence.live).toBe(true);
    expect(presence.probes).toHaveLength(1);
    expect(presence.probes[0]).toMatchObject({
      name: "probe of tg",
      online: true,
      version: "9.9.9",
      checksPerSecond: 2.5,
      latenessP99Ms: 40,
    });
    expect(presence.probes[0]?.clockOffsetMs).toBeGreaterThan(4000);
    expect(presence.probes[0]?.clockOffsetMs).toBeLessThan(5100);
  });

  it("bounds the TakeChecks of one token running at once", async () => {
    const probe = await probeOf("th");
    const calls = Array.from({ length: 5 }, () =>
      probe.takeChecks({ maxChecks: 1, waitMs: 1500 }).then(
        () => "ok",
        (error: unknown) => refusal(Promise.reject(error)),
      ),
    );
    const outcomes = await Promise.all(calls);
    const refused = outcomes.filter((o) => o !== "ok") as [Code, string][];
    expect(refused).toHaveLength(1);
    expect(refused[0]?.[0]).toBe(Code.ResourceExhausted);
    expect(refused[0]?.[1]).toMatch(/4 TakeChecks running already, the limit per token/);
  });

  it("bounds the TakeChecks of one token running at once over two API processes", async () => {
    const { token } = await t.createProbeToken("tl");
    const second = await startSecondApi();
    onTestFinished(() => second.close());
    const first = serviceClient(ProbeCheckService, t.baseUrl, token);
    const other = serviceClient(ProbeCheckService, second.baseUrl, token);
    // Two to one process, three to the other: four at most in either, five in all.
    const calls = [first, first, other, other, other].map((client) =>
      client.takeChecks({ maxChecks: 1, waitMs: 1500 }).then(
        () => "ok",
        (error: unknown) => refusal(Promise.reject(error)),
      ),
    );
    const outcomes = await Promise.all(calls);
    const refused = outcomes.filter((o) => o !== "ok") as [Code, string][];
    expect(refused).toHaveLength(1);
    expect(refused[0]?.[0]).toBe(Code.ResourceExhausted);
    expect(refused[0]?.[1]).toMatch(/4 TakeChecks running already, the limit per token/);
    // All answered: each freed its slot.
    const after = await Promise.all(
      [first, other].map((client) => client.takeChecks({ maxChecks: 1 }).then(() => "ok")),
    );
    expect(after).toEqual(["ok", "ok"]);
  });

  it("frees the TakeChecks slots of an API process that died holding them, when their time is up", async () => {
    const { id, token } = await t.createProbeToken("tm");
    const probe = serviceClient(ProbeCheckService, t.baseUrl, token);
    // A process that took four slots for 1 s and died without freeing them.
    const dead = createProbeTakeSlots({ redis: t.api.redis, prefix: t.api.prefix, limit: 4 });
    const tookAtMs = Date.now();
    for (let i = 0; i < 4; i++) expect(await dead.acquire(id, 1000)).toBeDefined();
    const [code, text] = await refusal(probe.takeChecks({ maxChecks: 1 }));
    expect(code).toBe(Code.ResourceExhausted);
    expect(text).toMatch(/4 TakeChecks running already, the limit per token/);
    await sleep(1100 - (Date.now() - tookAtMs));
    expect((await probe.takeChecks({ maxChecks: 1 })).leases).toEqual([]);
  });

  it.each([
    [{ maxChecks: 0 }, /^maxChecks must be between 1 and 500/],
    [{ maxChecks: 501 }, /^maxChecks must be between 1 and 500/],
    [{ maxChecks: 1, waitMs: 20_001 }, /^waitMs must be between 0 and 20000/],
    [{ maxChecks: 1, stats: { version: "v".repeat(65) } }, /^stats\.version/],
    [{ maxChecks: 1, stats: { checksPerSecond: Number.NaN } }, /^stats\.checksPerSecond/],
  ])("refuses %j naming the field", async (request, message) => {
    const probe = await probeOf("ti");
    const [code, text] = await refusal(probe.takeChecks(request));
    expect(code).toBe(Code.InvalidArgument);
    expect(text).toMatch(message);
  });
});

describe("leases", () => {
  it("stay held while extended, and complete when their results are reported", async () => {
    const [probe, other] = [await probeOf("la"), await probeOf("la")];
    const id = await monitorIn(["la"]);
    await t.enqueue("la", [id]);
    const [lease] = (await probe.takeChecks({ maxChecks: 10 })).leases;
    if (!lease) throw new Error("no lease");
    for (let i = 0; i < 4; i++) {
      await sleep(LEASE_MS / 2);
      expect((await probe.extendLeases({ leaseIds: [lease.id] })).lostLeaseIds).toEqual([]);
    }
    // Twice the lease and a stalled-job pass later, nobody else got the check.
    expect((await other.takeChecks({ maxChecks: 10 })).leases).toEqual([]);
    const reported = await probe.reportResults({
      results: [resultOf(id)],
      finishedLeaseIds: [lease.id],
    });
    expect(reported).toMatchObject({ accepted: 1, skipped: 0, lostLeaseIds: [] });
    expect(await t.queue("la").getActiveCount()).toBe(0);
    expect(await t.queue("la").getWaitingCount()).toBe(0);
    // The monitor's lock is freed with it: a worker of the region may check it now.
    const worker = createMonitorLocks(t.api.redis, monitorLockPrefix(t.api.prefix, "la"));
    const [release] = await worker.acquire([{ monitorId: id, ttlMs: 1000 }]);
    expect(release).toBeTypeOf("function");
    release?.();
  }, 15_000);

  it("lapse when not extended: the same checks go to another probe within twice the lease", async () => {
    const [dead, alive] = [await probeOf("lb"), await probeOf("lb")];
    const id = await monitorIn(["lb"]);
    await t.enqueue("lb", [id]);
    const [lost] = (await dead.takeChecks({ maxChecks: 10 })).leases;
    if (!lost) throw new Error("no lease");
    const started = Date.now();
    const taken = await alive.takeChecks({ maxChecks: 10, waitMs: 3 * LEASE_MS });
    expect(Date.now() - started).toBeLessThan(2 * LEASE_MS + 1000);
    const [lease] = taken.leases;
    expect(lease?.checks.map((c) => c.monitorId)).toEqual([id]);
    expect(lease?.id).not.toBe(lost.id);
    // The dead probe, back, finds its lease gone; its late result is still stored.
    expect((await dead.extendLeases({ leaseIds: [lost.id] })).lostLeaseIds).toEqual([lost.id]);
    const late = await dead.reportResults({ results: [resultOf(id)], finishedLeaseIds: [lost.id] });
    expect(late).toMatchObject({ accepted: 1, lostLeaseIds: [lost.id] });
    const done = await alive.reportResults({
      results: [resultOf(id)],
      finishedLeaseIds: [lease?.id ?? ""],
    });
    expect(done.lostLeaseIds).toEqual([]);
    // What an operator sees of it (pulsar_probe_leases_total).
    const leases = (outcome: string) =>
      t.counted("pulsar_probe_leases_total", { region: "lb", outcome });
    expect([await leases("taken"), await leases("completed"), await leases("lost")]).toEqual([
      2, 1, 1,
    ]);
    expect(await leases("lapsed")).toBeGreaterThanOrEqual(1);
    expect(await t.counted("pulsar_probe_checks_total", { region: "lb", outcome: "leased" })).toBe(
      2,
    );
  }, 15_000);

  it("answers lease ids no API made as lost, and refuses more than 100", async () => {
    const probe = await probeOf("lc");
    const forged = ["nonsense", `${"0".repeat(32)}.${Buffer.from("999999").toString("base64url")}`];
    expect((await probe.extendLeases({ leaseIds: forged })).lostLeaseIds).toEqual(forged);
    const [code, text] = await refusal(
      probe.extendLeases({ leaseIds: Array.from({ length: 101 }, (_, i) => `id-${i}`) }),
    );
    expect(code).toBe(Code.InvalidArgument);
    expect(text).toMatch(/^leaseIds must have at most 100/);
  });
});

describe("ReportResults", () => {
  it("stores results under the token's region and skips monitors not in it", async () => {
    const probe = await probeOf("ra");
    const inRegion = await monitorIn(["ra"]);
    const elsewhere = await monitorIn(["rb"]);
    const inDefault = await monitorIn([]);
    const reported = await probe.reportResults({
      results: [
        resultOf(inRegion, { region: "not-mine", maintenance: true }),
        resultOf(elsewhere),
        resultOf(inDefault),
        resultOf(randomUUID()),
      ],
    });
    expect(reported).toMatchObject({ accepted: 1, skipped: 3 });
    expect(await storedRegions(inRegion)).toEqual(["ra"]);
    expect(await storedRegions(elsewhere)).toEqual([]);
    expect(await storedRegions(inDefault)).toEqual([]);
    const { rows } = await t.api.db.pool.query<{ maintenance: boolean }>(
      "SELECT maintenance FROM check_results WHERE monitor_id = $1",
      [inRegion],
    );
    expect(rows).toEqual([{ maintenance: false }]);
  });

  it("stores a default region's probe results for monitors listing no region", async () => {
    const probe = await probeOf("local");
    const inDefault = await monitorIn([]);
    expect((await probe.reportResults({ results: [resultOf(inDefault)] })).accepted).toBe(1);
    expect(await storedRegions(inDefault)).toEqual(["local"]);
  });

  const HOUR = 3600_000;
  it.each([
    ["monitorId", { monitorId: "not-a-uuid" }, /^results\[1\]\.monitorId must be a UUID/],
    ["checkedAt", { checkedAt: undefined }, /^results\[1\]\.checkedAt is required/],
    [
      "a future checkedAt",
      { checkedAt: timestampFromMs(Date.now() + HOUR) },
      /^results\[1\]\.checkedAt must be at most 5 minutes ahead/,
    ],
    [
      "an old checkedAt",
      { checkedAt: timestampFromMs(Date.now() - 25 * HOUR) },
      /^results\[1\]\.checkedAt must be at most 24 hours old/,
    ],
    ["a negative time", { timing: { totalMs: -1 } }, /^results\[1\]\.timing\.totalMs must be/],
    [
      "an infinite time",
      { timing: { ttfbMs: Number.POSITIVE_INFINITY } },
      /^results\[1\]\.timing\.ttfbMs must be/,
    ],
    ["NaN", { loopDelayMs: Number.NaN }, /^results\[1\]\.loopDelayMs must be/],
    [
      "a heartbeat's error kind",
      { errorKind: CheckErrorKind.HEARTBEAT_MISSED },
      /^results\[1\]\.errorKind is not a kind of check failure/,
    ],
    ["an unknown error kind", { errorKind: 99 as CheckErrorKind }, /^results\[1\]\.errorKind/],
    [
      "a long error",
      { error: "e".repeat(5000) },
      /^results\[1\]\.error must be at most 4096 bytes/,
    ],
    [
      "a long answer",
      { answer: "a".repeat(11 * 1024) },
      /^results\[1\]\.answer must be at most 10240 bytes/,
    ],
    ["a status code", { statusCode: 1000 }, /^results\[1\]\.statusCode must be between 0 and 999/],
    ["negative bytes", { responseBytes: -1n }, /^results\[1\]\.responseBytes/],
  ])("refuses %s naming the field, storing nothing", async (_what, fields, message) => {
    const probe = await probeOf("rc");
    const id = await monitorIn(["rc"]);
    const results = [resultOf(id), resultOf(id, fields as ResultInit)];
    const [code, text] = await refusal(probe.reportResults({ results }));
    expect(code).toBe(Code.InvalidArgument);
    expect(text).toMatch(message);
    expect(await storedRegions(id)).toEqual([]);
  });

  it("refuses more than 1000 results", async () => {
    const probe = await probeOf("rd");
    const results = Array.from({ length: 1001 }, () => resultOf(randomUUID()));
    const [code, text] = await refusal(probe.reportResults({ results }));
    expect(code).toBe(Code.InvalidArgument);
    expect(text).toMatch(/^results must have at most 1000 results/);
  });
});
