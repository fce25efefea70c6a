import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { create, toJson } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AlertKind,
  AlertService,
  ComparisonOp,
  DeliveryStatus,
  HostMetric,
  ListChannelsResponseSchema,
} from "../../gen/pulsar/v1/alert_pb.js";
import { HostSampleSchema } from "../../gen/pulsar/v1/host_pb.js";
import { MonitorService } from "../../gen/pulsar/v1/monitor_pb.js";
import { bearer, createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { listenApi } from "../../test/support/api-server.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { refusal as failure } from "../../test/support/refusal.js";
import { createApi } from "../api/app.js";
import { type CheckQueue, createCheckQueue } from "../checks/queue/check-queue.js";
import { createCheckSchedule } from "../checks/queue/check-schedule.js";
import { createMonitorScheduler } from "../checks/queue/schedules.js";
import { silentLogger } from "../core/logger.js";
import { writeHostSampleBatch } from "../hosts/server/hosts-db.js";
import { createRedis } from "../redis/redis.js";

// AlertService over HTTP, against a local fake Discord: channels (masked), rules, the history
// and incidents, each organization seeing only its own.

type Alerts = ReturnType<typeof createClient<typeof AlertService>>;
type Monitors = ReturnType<typeof createClient<typeof MonitorService>>;

/** A fake Discord: records each POST; a token starting with "gone" answers 404 as Discord does. */
interface FakeDiscord {
  server: Server;
  base: string;
  posts: { path: string; body: { embeds?: { title?: string }[] } }[];
}

let db: TestDatabase;
let redis: Redis;
let queueConnection: Redis;
let queue: CheckQueue;
let server: Awaited<ReturnType<typeof listenApi>>;
let discord: FakeDiscord;
let orgA: TestOrg;
let orgB: TestOrg;
let alertsA: Alerts;
let alertsB: Alerts;
let monitorsA: Monitors;
let monitorsB: Monitors;

const TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789-wxyz";
const discordUrl = (token = TOKEN, id = "123456789012345678") =>
  `${discord.base}/api/webhooks/${id}/${token}`;

async function startFakeDiscord(): Promise<FakeDiscord> {
  const posts: FakeDiscord["posts"] = [];
  const fake = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const path = req.url ?? "";
      posts.push({ path, body: JSON.parse(body || "{}") });
      if (path.split("/").at(-1)?.startsWith("gone")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "Unknown Webhook", code: 10015 }));
        return;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
  const { port } = fake.address() as AddressInfo;
  return { server: fake, base: `http://127.0.0.1:${port}`, posts };
}

const hostSample = (hostId: string) =>
  create(HostSampleSchema, {
    hostId,
    hostname: hostId,
    sampledAt: timestampFromMs(Date.now()),
    cpu: { totalPercent: 10 },
  });

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "alerts-api-test");
  queueConnection = createRedis(TEST_REDIS_URL, "bullmq", "alerts-api-test-queue");
  const prefix = uniquePrefix("alerts-api");
  queue = createCheckQueue(queueConnection, prefix);
  discord = await startFakeDiscord();
  server = await listenApi(
    createApi({
      pool: db.pool,
      redis,
      prefix,
      scheduler: createMonitorScheduler({ schedule: createCheckSchedule(redis, prefix), queue }),
      log: silentLogger,
      alerts: { allowInsecureChannelUrls: true },
    }),
  );
  orgA = await createTestOrg(db.pool, "A");
  orgB = await createTestOrg(db.pool, "B");
  const transport = (token: string) =>
    createConnectTransport({
      baseUrl: server.baseUrl,
      httpVersion: "1.1",
      interceptors: [bearer(token)],
    });
  alertsA = createClient(AlertService, transport(orgA.apiToken));
  alertsB = createClient(AlertService, transport(orgB.apiToken));
  monitorsA = createClient(MonitorService, transport(orgA.apiToken));
  monitorsB = createClient(MonitorService, transport(orgB.apiToken));
  await writeHostSampleBatch(db.pool, [
    { orgId: orgA.orgId, sample: hostSample("a-host") },
    { orgId: orgB.orgId, sample: hostSample("b-host") },
    { orgId: undefined, sample: hostSample("shared-host") },
  ]);
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE alert_channels, host_rules, alert_events, monitors CASCADE");
  discord.posts.length = 0;
});

afterAll(async () => {
  await server.close();
  await new Promise<void>((resolve) => discord.server.close(() => resolve()));
  await queue.obliterate({ force: true });
  await queue.close();
  queueConnection.disconnect();
  redis.disconnect();
  await db.drop();
});

const createDiscord = (client: Alerts, name = "ops", url = discordUrl()) =>
  client.createChannel({
    channel: { name, kind: { case: "discord", value: { webhookUrl: url } } },
  });

const cpuRule = (channelIds: string[], hostId = "") => ({
  rule: {
    name: "Hot CPU",
    hostId,
    metric: HostMetric.CPU_PERCENT,
    op: ComparisonOp.GT,
    threshold: 90,
    forSeconds: 60,
    channelIds,
  },
});

describe("AlertService channels", () => {
  it("creates Discord and webhook channels and never answers their URL or secret in full", async () => {
    const { channel: d } = await createDiscord(alertsA);
    expect(d?.kind).toEqual({
      case: "discord",
      value: expect.objectContaining({
        webhookUrl: `${discord.base}/api/webhooks/123456789012345678/…wxyz`,
      }),
    });
    const secret = "a-webhook-secret-of-32-characters";
    const { channel: w } = await alertsA.createChannel({
      channel: {
        name: "hook",
        kind: { case: "webhook", value: { url: "https://hooks.example.com/p/abc?k=1", secret } },
      },
    });
    expect(w?.kind.case === "webhook" && w.kind.value).toMatchObject({
      url: "https://hooks.example.com/…",
      secret: "",
    });
    const listed = await alertsA.listChannels({});
    expect(listed.channels.map((c) => c.name)).toEqual(["ops", "hook"]);
    const wire = JSON.stringify(toJson(ListChannelsResponseSchema, listed));
    expect(wire).not.toContain(TOKEN.slice(0, -4));
    expect(wire).not.toContain(secret);
    expect(wire).not.toContain("/p/abc");
    expect((await alertsB.listChannels({})).channels).toEqual([]);
  });

  it("answers invalid_argument naming the field for a bad channel", async () => {
    expect(
      await failure(createDiscord(alertsA, "ops", "https://example.com/api/webhooks/1/x")),
    ).toEqual([
      Code.InvalidArgument,
      "channel.discord.webhookUrl must be a Discord webhook URL: https://discord.com/api/webhooks/<id>/<token>",
    ]);
    expect(
      await failure(
        alertsA.createChannel({
          channel: {
            name: "w",
            kind: { case: "webhook", value: { url: "https://x.example/", secret: "short" } },
          },
        }),
      ),
    ).toEqual([Code.InvalidArgument, "channel.webhook.secret must be 16–512 characters"]);
  });

  it("sends a test message to a local fake Discord and records the delivery in the history", async () => {
    const { channel } = await createDiscord(alertsA);
    const id = channel?.id ?? "";
    expect(await alertsA.testChannel({ id })).toMatchObject({
      delivered: true,
      statusCode: 204,
      error: "",
    });
    expect(discord.posts).toHaveLength(1);
    expect(discord.posts[0]?.path).toBe(`/api/webhooks/123456789012345678/${TOKEN}`);
    expect(discord.posts[0]?.body.embeds?.[0]?.title).toContain("Test alert");
    const { events } = await alertsA.listAlertEvents({});
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: AlertKind.TEST,
      title: "Test alert from Pulsar",
      deliveries: [
        { channelId: id, channelName: "ops", status: DeliveryStatus.DELIVERED, attempts: 1 },
      ],
    });
    expect(events[0]?.deliveries[0]?.deliveredAt).toBeDefined();
    expect((await alertsB.listAlertEvents({})).events).toEqual([]);
  });

  it("reports a refused test message and records why it failed", async () => {
    const { channel } = await createDiscord(
      alertsA,
      "old",
      discordUrl("gone-AbCdEfGhIjKlMnOpQrSt"),
    );
    const outcome = await alertsA.testChannel({ id: channel?.id ?? "" });
    expect(outcome).toMatchObject({ delivered: false, statusCode: 404 });
    // The fake Discord listens on loopback, a private address: its body is not quoted.
    expect(outcome.error).toBe("Discord answered 404");
    const [event] = (await alertsA.listAlertEvents({})).events;
    expect(event?.deliveries[0]).toMatchObject({
      status: DeliveryStatus.FAILED,
      error: outcome.error,
    });
  });

  it("takes a deleted channel out of the organization's monitors and rules", async () => {
    const { channel: kept } = await createDiscord(alertsA, "kept");
    const { channel: gone } = await createDiscord(alertsA, "gone");
    const ids = [kept?.id ?? "", gone?.id ?? ""];
    const { monitor } = await monitorsA.createMonitor({
      monitor: { name: "m", url: "http://127.0.0.1:9/", alertChannelIds: ids },
    });
    const { rule } = await alertsA.createRule(cpuRule(ids));
    expect(monitor?.alertChannelIds).toEqual(ids);
    await alertsA.deleteChannel({ id: gone?.id ?? "" });
    expect(
      (await monitorsA.getMonitor({ id: monitor?.id ?? "" })).monitor?.alertChannelIds,
    ).toEqual([kept?.id]);
    const [listed] = (await alertsA.listRules({})).rules;
    expect(listed?.id).toBe(rule?.id);
    expect(listed?.spec?.channelIds).toEqual([kept?.id]);
    expect((await alertsA.listChannels({})).channels.map((c) => c.name)).toEqual(["kept"]);
  });
});

describe("AlertService host rules", () => {
  it("creates, lists and deletes rules on every host, an own host or a shared one", async () => {
    const { channel } = await createDiscord(alertsA);
    const channelIds = [channel?.id ?? ""];
    for (const hostId of ["", "a-host", "shared-host"])
      await alertsA.createRule(cpuRule(channelIds, hostId));
    const { rules } = await alertsA.listRules({});
    expect(rules.map((r) => r.spec?.hostId)).toEqual(["", "a-host", "shared-host"]);
    expect(rules[0]?.spec).toMatchObject({
      name: "Hot CPU",
      metric: HostMetric.CPU_PERCENT,
      op: ComparisonOp.GT,
      threshold: 90,
      forSeconds: 60,
      channelIds,
    });
    await alertsA.deleteRule({ id: rules[0]?.id ?? "" });
    expect((await alertsA.listRules({})).rules).toHaveLength(2);
    expect((await alertsB.listRules({})).rules).toEqual([]);
  });

  it("refuses a rule naming another organization's host or channel as it refuses unknown ones", async () => {
    const { channel } = await createDiscord(alertsA);
    const { channel: theirs } = await createDiscord(alertsB);
    const mine = [channel?.id ?? ""];
    for (const hostId of ["b-host", "no-such-host"]) {
      expect(await failure(alertsA.createRule(cpuRule(mine, hostId)))).toEqual([
        Code.InvalidArgument,
        "rule.hostId names no host of this organization",
      ]);
    }
    for (const id of [theirs?.id ?? "", randomUUID()]) {
      expect(await failure(alertsA.createRule(cpuRule([...mine, id])))).toEqual([
        Code.InvalidArgument,
        "rule.channelIds[1] names no channel of this organization",
      ]);
    }
    expect(
      await failure(
        alertsA.createRule({ rule: { ...cpuRule(mine).rule, metric: HostMetric.UNSPECIFIED } }),
      ),
    ).toEqual([Code.InvalidArgument, expect.stringContaining("rule.metric is required")]);
  });
});

describe("AlertService between organizations", () => {
  it("answers not_found for another organization's channel, rule or monitor exactly as for an unknown id", async () => {
    const { channel } = await createDiscord(alertsA);
    const { rule } = await alertsA.createRule(cpuRule([channel?.id ?? ""]));
    const { monitor } = await monitorsA.createMonitor({
      monitor: { name: "m", url: "http://127.0.0.1:9/" },
    });
    const unknown = randomUUID();
    const calls: [string, (client: Alerts, id: string) => Promise<unknown>][] = [
      ["channel", (c, id) => c.deleteChannel({ id })],
      ["channel", (c, id) => c.testChannel({ id })],
      ["rule", (c, id) => c.deleteRule({ id })],
      ["monitor", (c, id) => c.listIncidents({ monitorId: id })],
    ];
    const theirs: Record<string, string> = {
      channel: channel?.id ?? "",
      rule: rule?.id ?? "",
      monitor: monitor?.id ?? "",
    };
    for (const [what, call] of calls) {
      const id = theirs[what] ?? "";
      expect(await failure(call(alertsB, id))).toEqual([Code.NotFound, `${what} ${id} not found`]);
      expect(await failure(call(alertsB, unknown))).toEqual([
        Code.NotFound,
        `${what} ${unknown} not found`,
      ]);
    }
    // Nothing was sent, deleted or listed across.
    expect(discord.posts).toEqual([]);
    expect((await alertsA.listChannels({})).channels).toHaveLength(1);
    expect((await alertsA.listRules({})).rules).toHaveLength(1);
    expect((await alertsB.listAlertEvents({ monitorId: monitor?.id ?? "" })).events).toEqual([]);
  });

  it("refuses a monitor alerting another organization's channel as it refuses an unknown one", async () => {
    const { channel: theirs } = await createDiscord(alertsA);
    for (const id of [theirs?.id ?? "", randomUUID()]) {
      expect(
        await failure(
          monitorsB.createMonitor({
            monitor: { name: "m", url: "http://127.0.0.1:9/", alertChannelIds: [id] },
          }),
        ),
      ).toEqual([
        Code.InvalidArgument,
        "monitor.alertChannelIds[0] names no channel of this organization",
      ]);
    }
  });
});

describe("AlertService history and incidents", () => {
  it("validates the history's filters and limit", async () => {
    expect(await failure(alertsA.listAlertEvents({ limit: 501 }))).toEqual([
      Code.InvalidArgument,
      "limit must be between 1 and 500",
    ]);
    expect(await failure(alertsA.listAlertEvents({ monitorId: "nope" }))).toEqual([
      Code.InvalidArgument,
      "monitorId must be a UUID",
    ]);
    expect(await failure(alertsA.listAlertEvents({ hostId: "bad host" }))).toEqual([
      Code.InvalidArgument,
      "hostId must be a host id",
    ]);
    expect(await failure(alertsA.listIncidents({ monitorId: "" }))).toEqual([
      Code.InvalidArgument,
      "monitorId is required",
    ]);
  });

  it("filters the history by monitor, host and time, newest first", async () => {
    const monitorId = randomUUID();
    const at = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    await db.pool.query(
      `INSERT INTO alert_events (org_id, kind, created_at, monitor_id, host_id, title) VALUES
        ($1, 'monitor_down', $2, $3, NULL, 'down'),
        ($1, 'monitor_recovered', $4, $3, NULL, 'up'),
        ($1, 'host_firing', $5, NULL, 'a-host', 'hot'),
        ($6, 'host_firing', $5, NULL, 'b-host', 'theirs')`,
      [orgA.orgId, at(300), monitorId, at(200), at(100), orgB.orgId],
    );
    const titles = async (req: Parameters<Alerts["listAlertEvents"]>[0]) =>
      (await alertsA.listAlertEvents(req)).events.map((e) => e.title);
    expect(await titles({})).toEqual(["hot", "up", "down"]);
    expect(await titles({ monitorId })).toEqual(["up", "down"]);
    expect(await titles({ hostId: "a-host" })).toEqual(["hot"]);
    expect(await titles({ hostId: "b-host" })).toEqual([]);
    expect(await titles({ since: timestampFromMs(Date.now() - 250_000) })).toEqual(["hot", "up"]);
    expect(await titles({ limit: 1 })).toEqual(["hot"]);
  });

  it("pages the history by token: three pages, no repeats, no gaps with an event recorded between pages", async () => {
    // Microseconds apart, and two pairs at the same microsecond (one across a page boundary):
    // the position must keep microseconds and break ties by id.
    const offsetsUs = [3_000_000, 2_000_000, 1_000_001, 1_000_001, 1_000_000, 2, 1];
    await db.pool.query(
      `INSERT INTO alert_events (org_id, kind, created_at, host_id, title)
       SELECT $1, 'host_firing', $2::timestamptz + u.us * interval '1 microsecond', 'a-host', u.title
       FROM unnest($3::bigint[], $4::text[]) AS u(us, title)`,
      [orgA.orgId, new Date(Date.now() - 3_600_000), offsetsUs, offsetsUs.map((_, i) => `e${i}`)],
    );
    await db.pool.query(
      `INSERT INTO alert_events (org_id, kind, host_id, title) VALUES ($1, 'host_firing', 'b-host', 'theirs')`,
      [orgB.orgId],
    );
    const whole = (await alertsA.listAlertEvents({ pageSize: 500 })).events.map((e) => e.title);
    expect(whole).toHaveLength(7);

    const first = await alertsA.listAlertEvents({ pageSize: 3 });
    // Recorded between two pages: newer than every page, so it shifts none of them.
    await db.pool.query(
      `INSERT INTO alert_events (org_id, kind, host_id, title) VALUES ($1, 'host_firing', 'a-host', 'late')`,
      [orgA.orgId],
    );
    const second = await alertsA.listAlertEvents({ pageSize: 3, pageToken: first.nextPageToken });
    const third = await alertsA.listAlertEvents({ pageSize: 3, pageToken: second.nextPageToken });

    const pages = [first, second, third].map((page) => page.events.map((e) => e.title));
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(whole);
    expect(new Set(pages.flat()).size).toBe(7);
    expect(whole.slice(0, 2)).toEqual(["e0", "e1"]);
    expect(whole.slice(4)).toEqual(["e4", "e5", "e6"]);
    expect([first.nextPageToken, second.nextPageToken].every((t) => t !== "")).toBe(true);
    expect(third.nextPageToken).toBe("");
    // The filters hold on every page.
    const hostPage = await alertsA.listAlertEvents({
      hostId: "a-host",
      pageSize: 3,
      pageToken: first.nextPageToken,
    });
    expect(hostPage.events.map((e) => e.title)).toEqual(pages[1]);
  });

  it("keeps since and limit answering one page for clients that do not page", async () => {
    const at = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    await db.pool.query(
      `INSERT INTO alert_events (org_id, kind, created_at, host_id, title) VALUES
        ($1, 'host_firing', $2, 'a-host', 'old'), ($1, 'host_firing', $3, 'a-host', 'mid'),
        ($1, 'host_firing', $4, 'a-host', 'new')`,
      [orgA.orgId, at(300), at(200), at(100)],
    );
    const since = timestampFromMs(Date.now() - 250_000);
    expect((await alertsA.listAlertEvents({ since, limit: 5 })).events.map((e) => e.title)).toEqual(
      ["new", "mid"],
    );
    const limited = await alertsA.listAlertEvents({ limit: 2 });
    expect(limited.events.map((e) => e.title)).toEqual(["new", "mid"]);
    // page_size wins over limit when a client sends both.
    expect((await alertsA.listAlertEvents({ limit: 1, pageSize: 3 })).events).toHaveLength(3);
  });

  it("answers invalid_argument naming pageToken or pageSize for a bad page request", async () => {
    const bad = [
      "not a token",
      Buffer.from("s:12").toString("base64url"),
      Buffer.from("e:12:not-a-uuid").toString("base64url"),
    ];
    for (const pageToken of bad) {
      expect(await failure(alertsA.listAlertEvents({ pageToken }))).toEqual([
        Code.InvalidArgument,
        "pageToken is not a token returned by this API",
      ]);
    }
    expect(await failure(alertsA.listAlertEvents({ pageSize: 501 }))).toEqual([
      Code.InvalidArgument,
      "pageSize must be between 1 and 500",
    ]);
  });

  it("lists a monitor's incidents newest first, an open one lasting until now", async () => {
    const { monitor } = await monitorsA.createMonitor({
      monitor: { name: "m", url: "http://127.0.0.1:9/" },
    });
    const id = monitor?.id ?? "";
    const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    await db.pool.query(
      `INSERT INTO incidents (org_id, monitor_id, started_at, ended_at, cause) VALUES
        ($1, $2, $3, $4, 'status 503'), ($1, $2, $5, NULL, 'timeout')`,
      [orgA.orgId, id, ago(3600), ago(3000), ago(120)],
    );
    const { incidents } = await alertsA.listIncidents({ monitorId: id });
    expect(incidents.map((i) => [i.cause, i.endedAt === undefined])).toEqual([
      ["timeout", true],
      ["status 503", false],
    ]);
    expect(incidents[0]?.durationSeconds).toBeGreaterThanOrEqual(120);
    expect(incidents[0]?.durationSeconds).toBeLessThan(180);
    expect(incidents[1]?.durationSeconds).toBeCloseTo(600, 0);
    expect((await alertsA.listIncidents({ monitorId: id, limit: 1 })).incidents).toHaveLength(1);
  });
});

describe("MonitorService alert settings", () => {
  it("defaults them, and stores and answers what was set", async () => {
    const { monitor: plain } = await monitorsA.createMonitor({
      monitor: { name: "plain", url: "http://127.0.0.1:9/" },
    });
    expect(plain).toMatchObject({
      confirmations: 2,
      recoveryConfirmations: 1,
      reminderMinutes: 0,
      alertChannelIds: [],
    });
    const { channel } = await createDiscord(alertsA);
    const channelId = channel?.id ?? "";
    const { monitor } = await monitorsA.updateMonitor({
      id: plain?.id ?? "",
      monitor: {
        name: "plain",
        url: "http://127.0.0.1:9/",
        confirmations: 3,
        recoveryConfirmations: 2,
        reminderMinutes: 15,
        alertChannelIds: [channelId.toUpperCase()],
      },
    });
    const expected = {
      confirmations: 3,
      recoveryConfirmations: 2,
      reminderMinutes: 15,
      alertChannelIds: [channelId],
    };
    expect(monitor).toMatchObject(expected);
    expect((await monitorsA.getMonitor({ id: plain?.id ?? "" })).monitor).toMatchObject(expected);
    expect((await monitorsA.listMonitors({})).monitors[0]).toMatchObject(expected);
  });

  it("answers invalid_argument naming the alert field", async () => {
    expect(
      await failure(
        monitorsA.createMonitor({
          monitor: { name: "m", url: "http://127.0.0.1:9/", reminderMinutes: 2 },
        }),
      ),
    ).toEqual([
      Code.InvalidArgument,
      "monitor.reminderMinutes must be 0 (no reminders) or between 5 and 1440",
    ]);
  });
});
