import { randomUUID } from "node:crypto";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type Client, Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AlertService,
  ComparisonOp,
  HostMetric,
  type HostRuleSpecSchema,
} from "../../gen/pulsar/v1/alert_pb.js";
import { AuthService } from "../../gen/pulsar/v1/auth_pb.js";
import { MonitorService, type MonitorSpecSchema } from "../../gen/pulsar/v1/monitor_pb.js";
import { createApi } from "../../internal/api/app.js";
import {
  type CheckQueue,
  createCheckQueue,
  decodeCheckBatch,
} from "../../internal/checks/queue/check-queue.js";
import { createCheckSchedule } from "../../internal/checks/queue/check-schedule.js";
import { createMonitorScheduler } from "../../internal/checks/queue/schedules.js";
import { silentLogger } from "../../internal/core/logger.js";
import { DEFAULT_ORG_QUOTAS } from "../../internal/quota/org-quotas.js";
import { createRedis } from "../../internal/redis/redis.js";
import { bearer, createTestOrg, type TestOrg } from "../support/accounts.js";
import { listenApi } from "../support/api-server.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../support/redis.js";
import { deleteKeys } from "../support/redis-keys.js";

// Hostile input against the real API (HTTP on a local port, Postgres, Redis, BullMQ): what one
// organization holds is bounded (PULSAR_ORG_MAX_*), how fast it writes too
// (PULSAR_ORG_WRITES_PER_MINUTE), and so is each monitor spec; a refusal stores nothing and
// schedules nothing, concurrency does not get past a limit, and another organization never
// notices.

/** The quotas of the quota API: small, so a test reaches them in a few calls. */
const QUOTAS = { ...DEFAULT_ORG_QUOTAS, monitors: 3, channels: 2, hostRules: 2 };
/** The write rate of the rate APIs. */
const WRITES = 5;
const FAST_SCRYPT = { log2N: 10, r: 8, p: 1 };

type Api = Awaited<ReturnType<typeof listenApi>>;
type Monitors = Client<typeof MonitorService>;
type Alerts = Client<typeof AlertService>;

let db: TestDatabase;
let redis: Redis;
let queueConnection: Redis;
let queue: CheckQueue;
/** The check queue's prefix: the check schedule is kept under it too. */
let queuePrefix: string;
const apis: Api[] = [];
/** Quotas at QUOTAS, writes unbounded in practice. */
let quotaApi: Api;
/** Default quotas, WRITES per minute; two processes sharing their counters. */
let rateApi: Api;
let rateApiTwin: Api;

async function startApi(options: {
  prefix: string;
  writesPerMinute?: number;
  quotas?: typeof QUOTAS;
}) {
  const api = await listenApi(
    createApi({
      pool: db.pool,
      redis,
      prefix: options.prefix,
      scheduler: createMonitorScheduler({
        schedule: createCheckSchedule(redis, queuePrefix),
        queue,
      }),
      log: silentLogger,
      signup: "open",
      passwordParams: FAST_SCRYPT,
      quotas: options.quotas,
      writesPerMinute: options.writesPerMinute,
    }),
  );
  apis.push(api);
  return api;
}

const transport = (api: Api, token: string, binary = false): Transport =>
  createConnectTransport({
    baseUrl: api.baseUrl,
    httpVersion: "1.1",
    useBinaryFormat: binary,
    interceptors: [bearer(token)],
  });
const monitorsOf = (api: Api, org: TestOrg, binary = false): Monitors =>
  createClient(MonitorService, transport(api, org.apiToken, binary));
const alertsOf = (api: Api, org: TestOrg): Alerts =>
  createClient(AlertService, transport(api, org.apiToken));

/** failure is the ConnectError a call ends with; it fails the test when the call succeeds. */
async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("expected the call to fail");
}

const spec = (fields: MessageInitShape<typeof MonitorSpecSchema> = {}) => ({
  name: "Checkout",
  url: "https://shop.example/health",
  ...fields,
});
const channel = (name: string) => ({
  name,
  kind: {
    case: "webhook" as const,
    value: { url: `https://hooks.example/${name}`, secret: "0123456789abcdef0123" },
  },
});
const rule = (channelId: string): MessageInitShape<typeof HostRuleSpecSchema> => ({
  name: "CPU high",
  metric: HostMetric.CPU_PERCENT,
  op: ComparisonOp.GT,
  threshold: 90,
  channelIds: [channelId],
});

/** countOf counts an organization's rows of a table. */
async function countOf(table: "monitors" | "alert_channels" | "host_rules", orgId: string) {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM ${table} WHERE org_id = $1`,
    [orgId],
  );
  return rows[0]?.n ?? 0;
}

/**
 * scheduled is what Redis holds for checks: the monitors in the check schedule, and those with
 * a check job waiting (the first check a new monitor gets).
 */
async function scheduled(): Promise<{ schedulers: string[]; jobs: string[] }> {
  const schedulers = await createCheckSchedule(redis, queuePrefix).monitorIds();
  const jobs = (await queue.getJobs(["waiting", "delayed", "prioritized"])).flatMap((job) =>
    decodeCheckBatch(job.data, job).map((check) => check.monitorId),
  );
  return { schedulers: [...schedulers].sort(), jobs: [...new Set(jobs)].sort() };
}

/** storedMonitorIds are the ids of every monitor in the database, sorted. */
async function storedMonitorIds(): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>("SELECT id FROM monitors ORDER BY id");
  return rows.map((row) => row.id).sort();
}

/** expectScheduledExactlyTheStored: nothing in the queue for a monitor that was refused. */
async function expectScheduledExactlyTheStored() {
  const stored = await storedMonitorIds();
  expect(await scheduled()).toEqual({ schedulers: stored, jobs: stored });
}

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "quotas-test");
  queueConnection = createRedis(TEST_REDIS_URL, "bullmq", "quotas-test-queue");
  queuePrefix = uniquePrefix("quotas-queue");
  queue = createCheckQueue(queueConnection, queuePrefix);
  // Counted in Redis from the first write, not in memory until the connection is ready.
  await redis.ping();
  quotaApi = await startApi({
    prefix: uniquePrefix("quotas"),
    quotas: QUOTAS,
    writesPerMinute: 100_000,
  });
  const ratePrefix = uniquePrefix("rates");
  rateApi = await startApi({ prefix: ratePrefix, writesPerMinute: WRITES });
  rateApiTwin = await startApi({ prefix: ratePrefix, writesPerMinute: WRITES });
});

afterAll(async () => {
  for (const api of apis) await api.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await deleteKeys(redis, `${queuePrefix}:*`);
  queueConnection.disconnect();
  redis.disconnect();
  await db.drop();
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors, alert_channels, host_rules CASCADE");
  await queue.obliterate({ force: true });
  await deleteKeys(redis, `${queuePrefix}:check-schedule:*`);
});

describe("per-organization quotas", () => {
  it("refuses the monitor past PULSAR_ORG_MAX_MONITORS, storing and scheduling nothing", async () => {
    const org = await createTestOrg(db.pool);
    const monitors = monitorsOf(quotaApi, org);
    for (let i = 0; i < QUOTAS.monitors; i++) await monitors.createMonitor({ monitor: spec() });

    const refused = await failure(monitors.createMonitor({ monitor: spec({ name: "One more" }) }));
    expect(refused.code).toBe(Code.ResourceExhausted);
    expect(refused.rawMessage).toBe(
      "this organization has reached its limit of 3 monitors (PULSAR_ORG_MAX_MONITORS); remove some first",
    );
    // Waiting does not help: no retry-after.
    expect(refused.metadata.get("retry-after")).toBeNull();
    expect(await countOf("monitors", org.orgId)).toBe(QUOTAS.monitors);
    await expectScheduledExactlyTheStored();

    // Deleting one frees its place. (The deleted one's first check may still be queued: the
    // worker drops a job whose monitor is gone; its scheduler is what must be removed.)
    const { monitors: held } = await monitors.listMonitors({});
    await monitors.deleteMonitor({ id: held[0]?.id ?? "" });
    await monitors.createMonitor({ monitor: spec({ name: "In its place" }) });
    expect(await countOf("monitors", org.orgId)).toBe(QUOTAS.monitors);
    expect((await scheduled()).schedulers).toEqual(await storedMonitorIds());
  });

  it("lets no more than the quota through when 20 creates race, and schedules only those", async () => {
    const org = await createTestOrg(db.pool);
    const monitors = monitorsOf(quotaApi, org);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        monitors.createMonitor({ monitor: spec({ name: `m${i}` }) }),
      ),
    );
    const refused = outcomes.flatMap((o) =>
      o.status === "rejected" ? [ConnectError.from(o.reason)] : [],
    );
    expect(outcomes.length - refused.length).toBe(QUOTAS.monitors);
    expect(new Set(refused.map((e) => e.code))).toEqual(new Set([Code.ResourceExhausted]));
    expect(await countOf("monitors", org.orgId)).toBe(QUOTAS.monitors);
    await expectScheduledExactlyTheStored();
  });

  it("leaves another organization its own quota while one is full", async () => {
    const [full, other] = [
      await createTestOrg(db.pool, "Full"),
      await createTestOrg(db.pool, "Other"),
    ];
    const fullMonitors = monitorsOf(quotaApi, full);
    for (let i = 0; i < QUOTAS.monitors; i++) await fullMonitors.createMonitor({ monitor: spec() });
    await failure(fullMonitors.createMonitor({ monitor: spec() }));

    const otherMonitors = monitorsOf(quotaApi, other);
    for (let i = 0; i < QUOTAS.monitors; i++)
      await otherMonitors.createMonitor({ monitor: spec() });
    expect(await countOf("monitors", other.orgId)).toBe(QUOTAS.monitors);
    await expectScheduledExactlyTheStored();
  });

  it("refuses the alert channel past PULSAR_ORG_MAX_CHANNELS, storing nothing", async () => {
    const [org, other] = [await createTestOrg(db.pool), await createTestOrg(db.pool)];
    const alerts = alertsOf(quotaApi, org);
    for (let i = 0; i < QUOTAS.channels; i++)
      await alerts.createChannel({ channel: channel(`c${i}`) });

    const refused = await failure(alerts.createChannel({ channel: channel("extra") }));
    expect(refused.code).toBe(Code.ResourceExhausted);
    expect(refused.rawMessage).toContain("limit of 2 alert channels (PULSAR_ORG_MAX_CHANNELS)");
    expect(await countOf("alert_channels", org.orgId)).toBe(QUOTAS.channels);

    await alertsOf(quotaApi, other).createChannel({ channel: channel("theirs") });
    expect(await countOf("alert_channels", other.orgId)).toBe(1);
  });

  it("refuses the host rule past PULSAR_ORG_MAX_HOST_RULES, storing nothing, even racing", async () => {
    const [org, other] = [await createTestOrg(db.pool), await createTestOrg(db.pool)];
    const alerts = alertsOf(quotaApi, org);
    const { channel: made } = await alerts.createChannel({ channel: channel("ops") });
    const channelId = made?.id ?? "";
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => alerts.createRule({ rule: rule(channelId) })),
    );
    const refused = outcomes.flatMap((o) =>
      o.status === "rejected" ? [ConnectError.from(o.reason)] : [],
    );
    expect(refused).toHaveLength(8 - QUOTAS.hostRules);
    for (const error of refused) {
      expect(error.code).toBe(Code.ResourceExhausted);
      expect(error.rawMessage).toContain("limit of 2 host rules (PULSAR_ORG_MAX_HOST_RULES)");
    }
    expect(await countOf("host_rules", org.orgId)).toBe(QUOTAS.hostRules);

    const theirs = alertsOf(quotaApi, other);
    const { channel: their } = await theirs.createChannel({ channel: channel("theirs") });
    await theirs.createRule({ rule: rule(their?.id ?? "") });
    expect(await countOf("host_rules", other.orgId)).toBe(1);
  });
});

describe("the write rate per organization", () => {
  it("refuses the write past PULSAR_ORG_WRITES_PER_MINUTE with a retry-after, and still answers reads", async () => {
    const org = await createTestOrg(db.pool);
    const monitors = monitorsOf(rateApi, org);
    // Writes that fail count too: the work of answering them was done.
    for (let i = 0; i < WRITES; i++) {
      expect((await failure(monitors.deleteMonitor({ id: randomUUID() }))).code).toBe(
        Code.NotFound,
      );
    }
    const refused = await failure(monitors.createMonitor({ monitor: spec() }));
    expect(refused.code).toBe(Code.ResourceExhausted);
    expect(refused.rawMessage).toMatch(
      /^this organization has reached its limit of 5 writes per minute \(PULSAR_ORG_WRITES_PER_MINUTE\); try again in \d+ s$/,
    );
    const retryAfter = Number(refused.metadata.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await countOf("monitors", org.orgId)).toBe(0);
    await expectScheduledExactlyTheStored();

    // Reads (NO_SIDE_EFFECTS in the proto) are not writes.
    for (let i = 0; i < WRITES + 2; i++) await monitors.listMonitors({});
  });

  it("does not count reads, and refuses the same organization on every API process", async () => {
    const org = await createTestOrg(db.pool);
    const here = monitorsOf(rateApi, org);
    const there = monitorsOf(rateApiTwin, org);
    for (let i = 0; i < 10; i++) await here.listMonitors({});
    for (let i = 0; i < WRITES; i++) {
      await failure((i % 2 === 0 ? here : there).deleteMonitor({ id: randomUUID() }));
    }
    expect((await failure(there.deleteMonitor({ id: randomUUID() }))).code).toBe(
      Code.ResourceExhausted,
    );
    expect((await failure(here.deleteMonitor({ id: randomUUID() }))).code).toBe(
      Code.ResourceExhausted,
    );
  });

  it("leaves another organization its whole rate while one is refused", async () => {
    const [busy, quiet] = [await createTestOrg(db.pool), await createTestOrg(db.pool)];
    const busyMonitors = monitorsOf(rateApi, busy);
    const quietMonitors = monitorsOf(rateApi, quiet);
    // The busy one keeps hammering past its limit while the quiet one writes.
    const hammering = Promise.allSettled(
      Array.from({ length: 50 }, () => busyMonitors.deleteMonitor({ id: randomUUID() })),
    );
    for (let i = 0; i < WRITES - 1; i++) await quietMonitors.createMonitor({ monitor: spec() });
    const busyOutcomes = await hammering;
    expect(
      busyOutcomes
        .filter((o) => o.status === "rejected")
        .map((o) => ConnectError.from(o.reason).code),
    ).toContain(Code.ResourceExhausted);
    await quietMonitors.createMonitor({ monitor: spec() });
    expect(await countOf("monitors", quiet.orgId)).toBe(WRITES);
    expect((await failure(quietMonitors.createMonitor({ monitor: spec() }))).code).toBe(
      Code.ResourceExhausted,
    );
  });

  it("does not count SignUp and SignIn against the organization they lead to", async () => {
    const email = `rate-${randomUUID()}@example.test`;
    const password = "correct horse battery";
    const post = (rpc: string, body: unknown, cookie?: string) =>
      fetch(`${rateApi.baseUrl}/pulsar.v1.${rpc}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          origin: rateApi.baseUrl,
          ...(cookie && { cookie }),
        },
        body: JSON.stringify(body),
      });
    const signedUp = await post("AuthService/SignUp", {
      email,
      password,
      name: "Ada",
      orgName: "Ada's",
    });
    expect(signedUp.status).toBe(200);
    for (let i = 0; i < WRITES; i++) {
      expect((await post("AuthService/SignIn", { email, password })).status).toBe(200);
    }
    const cookie = (await post("AuthService/SignIn", { email, password })).headers
      .get("set-cookie")
      ?.split(";")[0];
    expect(cookie).toBeDefined();
    const create = () => post("MonitorService/CreateMonitor", { monitor: spec() }, cookie);
    for (let i = 0; i < WRITES; i++) expect((await create()).status).toBe(200);
    const refused = await create();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(((await refused.json()) as { code: string }).code).toBe("resource_exhausted");
  });

  it("keeps AuthService's other writes under the same rate", async () => {
    const org = await createTestOrg(db.pool);
    const auth = createClient(AuthService, transport(rateApi, org.apiToken));
    for (let i = 0; i < WRITES; i++) await failure(auth.revokeApiToken({ id: randomUUID() }));
    expect((await failure(auth.revokeApiToken({ id: randomUUID() }))).code).toBe(
      Code.ResourceExhausted,
    );
    // Me is a read.
    expect((await auth.me({})).organization?.id).toBe(org.orgId);
  });
});

describe("monitor spec bounds", () => {
  const headers = (count: number, valueBytes: number) =>
    Object.fromEntries(
      Array.from({ length: count }, (_, i) => [`X-H${i}`, "v".repeat(valueBytes)]),
    );
  const cases: [string, MessageInitShape<typeof MonitorSpecSchema>, RegExp][] = [
    ["51 headers", { headers: headers(51, 1) }, /^monitor\.headers must have at most 50 entries$/],
    [
      "a 257-byte header name",
      { headers: { [`X-${"a".repeat(255)}`]: "v" } },
      /^monitor\.headers\["X-a{30}…"\] name must be at most 256 bytes$/,
    ],
    [
      "a 33 KiB spec",
      { body: "x".repeat(33 * 1024) },
      /^monitor must be at most 32768 bytes serialized \(got 338\d\d\)$/,
    ],
    // The 250 MB spec, scaled to what the request limit (PULSAR_MAX_REQUEST_BYTES,
    // 256 KiB by default) lets through: 50 headers of 5,000 bytes, each within its own bounds.
    [
      "a 250 KB spec of fields that each pass",
      { headers: headers(50, 5000) },
      /^monitor must be at most 32768 bytes serialized \(got 25\d{4}\)$/,
    ],
  ];

  it.each(cases)(
    "refuses %s naming the field, storing and scheduling nothing",
    async (_case, fields, message) => {
      const org = await createTestOrg(db.pool);
      const monitors = monitorsOf(quotaApi, org, true);
      const refused = await failure(monitors.createMonitor({ monitor: spec(fields) }));
      expect(refused.code).toBe(Code.InvalidArgument);
      expect(refused.rawMessage).toMatch(message);
      expect(await countOf("monitors", org.orgId)).toBe(0);
      await expectScheduledExactlyTheStored();
    },
  );

  it("leaves a monitor as it was when an update is over the bound", async () => {
    const org = await createTestOrg(db.pool);
    const monitors = monitorsOf(quotaApi, org, true);
    const { monitor } = await monitors.createMonitor({ monitor: spec() });
    const id = monitor?.id ?? "";
    const before = await scheduled();
    const refused = await failure(
      monitors.updateMonitor({
        id,
        monitor: spec({ name: "Bigger", body: "x".repeat(40 * 1024) }),
      }),
    );
    expect(refused.code).toBe(Code.InvalidArgument);
    expect(refused.rawMessage).toMatch(/^monitor must be at most 32768 bytes serialized/);
    const stored = (await monitors.getMonitor({ id })).monitor;
    expect(stored?.name).toBe("Checkout");
    expect(stored?.body).toBeUndefined();
    expect(await scheduled()).toEqual(before);
  });

  it("accepts a spec just within every bound", async () => {
    const org = await createTestOrg(db.pool);
    const monitors = monitorsOf(quotaApi, org, true);
    const body = "x".repeat(16 * 1024);
    const { monitor } = await monitors.createMonitor({
      monitor: spec({ body, headers: { [`X-${"a".repeat(254)}`]: "v".repeat(8192) } }),
    });
    expect(monitor?.body).toBe(body);
    await expectScheduledExactlyTheStored();
  });
});
