import { createHmac } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AlertKind } from "../../../gen/pulsar/v1/alert_pb.js";
import { createTestOrg } from "../../../test/support/accounts.js";
import { insertChannelFixture, resultsFixture } from "../../../test/support/alert-fixtures.js";
import { eventually } from "../../../test/support/eventually.js";
import {
  type FakeDiscord,
  rateLimited,
  startFakeDiscord,
} from "../../../test/support/fake-discord.js";
import {
  createDayPartition,
  DAY,
  resultFixture,
  specFixture,
} from "../../../test/support/fixtures.js";
import { insertMonitorRow } from "../../../test/support/monitor-rows.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { insertMonitor } from "../../checks/monitors/monitors.js";
import { storeCheckResults } from "../../checks/results/store-check-results.js";
import { silentLogger } from "../../core/logger.js";
import { createRedis } from "../../redis/redis.js";
import type { OwnedAlertEvent } from "../alert-event.js";
import type { DeliveryKey } from "../alerts-db.js";
import { type AlertHandOut, createAlertHandOut } from "../hand-out.js";
import { type AlertQueue, createAlertQueue, enqueueDeliveries } from "./alert-queue.js";
import { orderWaitMs, STOPPED_MID_DELIVERY } from "./delivery-processor.js";
import { type AlertDeliveryWorker, startAlertDeliveryWorker } from "./delivery-worker.js";
import { EMBED_COLOURS } from "./discord-message.js";

const MINUTE = 60_000;
const SECRET = "a webhook secret, 16+ characters";

let db: TestDatabase;
let orgId: string;
let fake: FakeDiscord;
let bullConnection: Redis;
let queue: AlertQueue;
let prefix: string;
let worker: AlertDeliveryWorker;
let handOut: AlertHandOut;

const startWorker = (options: { timeoutMs?: number; orgMaxInFlight?: number } = {}) =>
  startAlertDeliveryWorker({
    db: db.pool,
    bullConnection,
    queue,
    prefix,
    log: silentLogger,
    publicUrl: "https://pulsar.example",
    // Tests sweep by hand.
    sweepEveryMs: 3_600_000,
    ...options,
  });

beforeAll(async () => {
  db = await createTestDatabase();
  orgId = (await createTestOrg(db.pool)).orgId;
  fake = await startFakeDiscord();
  prefix = uniquePrefix("alerts");
  bullConnection = createRedis(TEST_REDIS_URL, "bullmq", "alerts-test");
  queue = createAlertQueue(bullConnection, prefix);
  handOut = createAlertHandOut({ queue, log: silentLogger });
  worker = startWorker();
  // Certificates followed over days.
  for (let day = -9; day <= 0; day++) await createDayPartition(db.pool, day);
});
afterAll(async () => {
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  bullConnection.disconnect();
  await fake.close();
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors, check_results, alert_events, incidents CASCADE");
});

/** monitorAlerting creates a monitor alerting the given channels (confirmations 2). */
const monitorAlerting = async (...channelIds: string[]) =>
  (
    await insertMonitor(
      db.pool,
      orgId,
      specFixture({ name: "Checkout API", alertChannelIds: channelIds }),
    )
  ).id;

const discordChannel = async () => {
  const url = fake.webhookUrl();
  return { url, id: await insertChannelFixture(db.pool, orgId, { kind: "discord", url }) };
};

/** store writes results one batch each, and hands their alerts out as the check worker does. */
const store = async (results: ReturnType<typeof resultsFixture>, queueThem = true) => {
  const recorded: { events: OwnedAlertEvent[]; deliveries: DeliveryKey[] } = {
    events: [],
    deliveries: [],
  };
  for (const result of results) {
    const { alertEvents } = await storeCheckResults(db.pool, [result]);
    if (queueThem) await handOut(alertEvents);
    recorded.events.push(...alertEvents);
    recorded.deliveries.push(
      ...alertEvents.flatMap(({ event }) =>
        event.deliveries.map((d) => ({ eventId: event.id, channelId: d.channelId })),
      ),
    );
  }
  return recorded;
};

interface DeliveryRow {
  kind: string;
  status: string;
  attempts: number;
  error: string;
}

const deliveriesTo = async (channelId: string) =>
  (
    await db.pool.query<DeliveryRow>(
      `SELECT e.kind, d.status, d.attempts, d.error FROM alert_deliveries d
       JOIN alert_events e ON e.id = d.event_id WHERE d.channel_id = $1 ORDER BY e.created_at`,
      [channelId],
    )
  ).rows;

/** settled waits until every delivery to the channel is delivered or failed. */
async function settled(channelId: string, count: number, timeoutMs = 20_000) {
  return eventually(
    async () => {
      const rows = await deliveriesTo(channelId);
      const done = rows.every((r) => r.status === "delivered" || r.status === "failed");
      return rows.length >= count && done && rows;
    },
    { what: `${count} deliveries to be delivered or failed`, timeoutMs, intervalMs: 50 },
  );
}

const ageDeliveries = () =>
  db.pool.query("UPDATE alert_deliveries SET updated_at = now() - interval '2 minutes'");

const titles = (url: string) =>
  fake.posts(url).map((p) => (p.json as { embeds: { title: string }[] }).embeds[0]?.title);

const quietly = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("alert delivery", () => {
  it("delivers exactly one DOWN and one RECOVERED to Discord for a flapping target", async () => {
    const channel = await discordChannel();
    const monitorId = await monitorAlerting(channel.id);
    await store(resultsFixture(monitorId, "ududduuduudu", Date.now() - 30 * MINUTE));
    const rows = await settled(channel.id, 2);
    expect(rows.map((r) => [r.kind, r.status, r.attempts])).toEqual([
      ["monitor_down", "delivered", 1],
      ["monitor_recovered", "delivered", 1],
    ]);
    await quietly(300);
    expect(titles(channel.url)).toEqual([
      "Checkout API is down",
      "Checkout API recovered after 2 min",
    ]);
    const embed = (fake.posts(channel.url)[0]?.json as { embeds: { url: string }[] } | undefined)
      ?.embeds[0];
    expect(embed?.url).toBe(`https://pulsar.example/monitors/${monitorId}`);
  });

  it("sends one monitor's RECOVERED only once its slow DOWN was answered, and holds up no other monitor's", async () => {
    const slowMs = 1500;
    const channel = await discordChannel();
    fake.answer(channel.url, { status: 204, delayMs: slowMs });
    const flapping = await monitorAlerting(channel.id);
    const other = (
      await insertMonitor(
        db.pool,
        orgId,
        specFixture({ name: "Billing API", alertChannelIds: [channel.id] }),
      )
    ).id;
    // Both of the flapping monitor's alerts are queued before the first POST is answered.
    await store(resultsFixture(flapping, "dduu", Date.now() - 30 * MINUTE));
    const [down] = await fake.waitForPosts(1, { url: channel.url });
    await store(resultsFixture(other, "dd", Date.now() - 20 * MINUTE));

    const rows = await settled(channel.id, 3);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["delivered", 1],
      ["delivered", 1],
      ["delivered", 1],
    ]);
    const posts = fake.posts(channel.url);
    const at = (title: string) => posts[titles(channel.url).indexOf(title)]?.at ?? Number.NaN;
    expect(titles(channel.url)[0]).toBe("Checkout API is down");
    expect(at("Checkout API recovered after 2 min")).toBeGreaterThanOrEqual(
      (down?.at ?? Number.NaN) + slowMs,
    );
    // Another monitor's alert to the same channel does not wait for the slow one.
    expect(at("Billing API is down")).toBeLessThan((down?.at ?? Number.NaN) + slowMs);
  });

  it("waits about a POST's time for an earlier alert at first, and longer the longer it waited", () => {
    const queuedAt = 1_000_000;
    expect(orderWaitMs({ timestamp: queuedAt }, queuedAt)).toBe(500);
    expect(orderWaitMs({ timestamp: queuedAt }, queuedAt + 8_000)).toBe(2_000);
    expect(orderWaitMs({ timestamp: queuedAt }, queuedAt + 3_600_000)).toBe(10_000);
  });

  it("delivers one certificate alert per threshold crossed, to Discord and a signed webhook", async () => {
    const channel = await discordChannel();
    const hookUrl = `${fake.origin}/hooks/tls-${channel.id}`;
    const webhook = await insertChannelFixture(db.pool, orgId, {
      kind: "webhook",
      url: hookUrl,
      secret: SECRET,
    });
    const monitorId = await insertMonitorRow(db.pool, orgId, {
      name: "Shop",
      url: "https://shop.example/",
      alertChannelIds: [channel.id, webhook],
    });
    const t0 = Date.now() - 9 * DAY;
    const expires = t0 + 10 * DAY;
    const certificateCheck = (at: number) =>
      resultFixture({
        monitorId,
        checkedAtMs: at,
        tlsCertExpiresAtMs: expires,
        tlsCertIssuer: "Let's Encrypt",
      });
    // 10 days left, 9, then 2 days left and a few checks more.
    await store([t0, t0 + DAY].map(certificateCheck));
    await store([0, 1, 2, 3].map((m) => certificateCheck(t0 + 8 * DAY + m * MINUTE)));
    expect((await settled(channel.id, 2)).map((r) => [r.kind, r.status])).toEqual([
      ["tls_expiry", "delivered"],
      ["tls_expiry", "delivered"],
    ]);
    expect((await settled(webhook, 2)).map((r) => r.status)).toEqual(["delivered", "delivered"]);
    await quietly(300);
    expect(titles(channel.url)).toEqual([
      "Certificate of Shop expires in 10 days",
      "Certificate of Shop expires in 2 days",
    ]);
    const embed = (
      fake.posts(channel.url)[1]?.json as
        | { embeds: { description: string; color: number }[] }
        | undefined
    )?.embeds[0];
    expect(embed?.color).toBe(EMBED_COLOURS[AlertKind.TLS_EXPIRY]);
    expect(embed?.description).toContain("Check: https://shop.example/");
    expect(embed?.description).toContain("Issuer: Let's Encrypt");
    const hooks = fake.posts(hookUrl);
    expect(hooks.map((p) => p.headers["x-pulsar-event"])).toEqual(["tls_expiry", "tls_expiry"]);
    expect(hooks.map((p) => (p.json as { kind: string }).kind)).toEqual([
      "ALERT_KIND_TLS_EXPIRY",
      "ALERT_KIND_TLS_EXPIRY",
    ]);
    expect((hooks[1]?.json as { title?: string } | undefined)?.title).toBe(
      "Certificate of Shop expires in 2 days",
    );
  });

  it("retries a 5xx with backoff and records the delivery once it goes through", async () => {
    const channel = await discordChannel();
    fake.answer(channel.url, { status: 502, body: { message: "Bad Gateway" } });
    const monitorId = await monitorAlerting(channel.id);
    await store(resultsFixture(monitorId, "dd", Date.now() - 30 * MINUTE));
    const [row] = await settled(channel.id, 1);
    expect(row).toMatchObject({ status: "delivered", attempts: 2 });
    const [first, second] = fake.posts(channel.url);
    // BullMQ's exponential backoff: 2 s before the first retry.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1900);
  });

  it("fails a delivery Discord refuses at once, and records why", async () => {
    const channel = await discordChannel();
    fake.answer(channel.url, { status: 404, body: { message: "Unknown Webhook", code: 10015 } });
    const monitorId = await monitorAlerting(channel.id);
    await store(resultsFixture(monitorId, "dd", Date.now() - 30 * MINUTE));
    expect(await settled(channel.id, 1)).toEqual([
      {
        kind: "monitor_down",
        status: "failed",
        attempts: 1,
        // The fake Discord is on loopback, a private address: its body is not quoted.
        error: "Discord answered 404",
      },
    ]);
    await quietly(300);
    expect(fake.posts(channel.url)).toHaveLength(1);
  });

  it("waits for Discord's retry_after on a 429, without spending an attempt", async () => {
    const channel = await discordChannel();
    fake.answer(channel.url, rateLimited(1.2));
    const monitorId = await monitorAlerting(channel.id);
    await store(resultsFixture(monitorId, "dd", Date.now() - 30 * MINUTE));
    await settled(channel.id, 1);
    const [first, second] = fake.posts(channel.url);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1200);

    // More 429s in a row than the job has attempts: still delivered.
    const busy = await discordChannel();
    fake.answer(busy.url, ...Array.from({ length: 10 }, () => rateLimited(0.02)));
    const other = await monitorAlerting(busy.id);
    await store(resultsFixture(other, "dd", Date.now() - 30 * MINUTE));
    expect(await settled(busy.id, 1)).toMatchObject([{ status: "delivered", attempts: 11 }]);
  });

  it("sends nothing twice when a worker restarts mid-incident and jobs are queued again", async () => {
    const channel = await discordChannel();
    const monitorId = await monitorAlerting(channel.id);
    const t0 = Date.now() - 30 * MINUTE;
    const down = await store(resultsFixture(monitorId, "udd", t0));
    await settled(channel.id, 1);

    // The worker stops mid-incident; its successor finds the DOWN job queued again and the
    // sweeper running over deliveries that look old.
    await worker.close();
    worker = startWorker();
    await enqueueDeliveries(queue, down.deliveries);
    await ageDeliveries();
    expect(await worker.sweep()).toBe(0);
    await store(resultsFixture(monitorId, "uu", t0 + 3 * MINUTE));
    await settled(channel.id, 2);
    await enqueueDeliveries(queue, down.deliveries);
    await quietly(500);
    expect(titles(channel.url)).toEqual([
      "Checkout API is down",
      "Checkout API recovered after 2 min",
    ]);
  });

  it("sweeps up a delivery a worker left pending between commit and enqueue, once", async () => {
    const channel = await discordChannel();
    const monitorId = await monitorAlerting(channel.id);
    await store(resultsFixture(monitorId, "dd", Date.now() - 30 * MINUTE), false);
    // Not a minute old yet: its job may still be on its way.
    expect(await worker.sweep()).toBe(0);
    await ageDeliveries();
    expect(await worker.sweep()).toBe(1);
    await settled(channel.id, 1);
    await ageDeliveries();
    expect(await worker.sweep()).toBe(0);
    await quietly(300);
    expect(fake.posts(channel.url)).toHaveLength(1);
  });

  it("does not resend to Discord what a worker died sending, but resends a signed webhook with the same Idempotency-Key", async () => {
    const discord = await discordChannel();
    const hookUrl = `${fake.origin}/hooks/${discord.id}`;
    const webhook = await insertChannelFixture(db.pool, orgId, {
      kind: "webhook",
      url: hookUrl,
      secret: SECRET,
    });
    const monitorId = await monitorAlerting(discord.id, webhook);
    const { events } = await store(
      resultsFixture(monitorId, "dd", Date.now() - 30 * MINUTE),
      false,
    );
    // A worker claimed both, POSTed, and died before recording the answer.
    await db.pool.query(
      "UPDATE alert_deliveries SET status = 'sending', attempts = 1, updated_at = now() - interval '2 minutes'",
    );
    expect(await worker.sweep()).toBe(2);
    expect(await settled(discord.id, 1)).toMatchObject([
      { status: "failed", attempts: 1, error: STOPPED_MID_DELIVERY },
    ]);
    expect(await settled(webhook, 1)).toMatchObject([{ status: "delivered", attempts: 2 }]);
    expect(fake.posts(discord.url)).toHaveLength(0);
    const [post] = fake.posts(hookUrl);
    if (!post) throw new Error("the webhook got nothing");
    expect(post.headers["idempotency-key"]).toBe(events[0]?.event.id);
    expect(post.headers["x-pulsar-signature"]).toBe(
      `sha256=${createHmac("sha256", SECRET).update(post.body).digest("hex")}`,
    );
    expect((post.json as { kind: string }).kind).toBe("ALERT_KIND_MONITOR_DOWN");
  });

  it("sends at most ALERT_ORG_MAX_INFLIGHT of one organization's deliveries at once, and another's meanwhile", async () => {
    const hangMs = 5000;
    await worker.close();
    worker = startWorker({ timeoutMs: hangMs, orgMaxInFlight: 2 });
    try {
      // Five channels of one organization that hang on their first POST (until the timeout).
      const hanging = await Promise.all(Array.from({ length: 5 }, () => discordChannel()));
      for (const channel of hanging) fake.answer(channel.url, { status: 204, hang: true });
      const crowdMonitor = await monitorAlerting(...hanging.map((c) => c.id));
      const other = await createTestOrg(db.pool, "Another");
      const otherUrl = fake.webhookUrl();
      const otherChannel = await insertChannelFixture(db.pool, other.orgId, {
        kind: "discord",
        url: otherUrl,
      });
      const otherMonitor = (
        await insertMonitor(
          db.pool,
          other.orgId,
          specFixture({ name: "Their API", alertChannelIds: [otherChannel] }),
        )
      ).id;
      const crowdPosts = () => hanging.flatMap((c) => fake.posts(c.url));
      const sentBy = (at: number) => crowdPosts().filter((p) => p.at <= at).length;

      await store(resultsFixture(crowdMonitor, "dd", Date.now() - 30 * MINUTE));
      await eventually(() => crowdPosts().length >= 2, {
        what: "two POSTs of the crowded organization",
        timeoutMs: 10_000,
      });
      const firstAt = Math.min(...crowdPosts().map((p) => p.at));
      await store(resultsFixture(otherMonitor, "dd", Date.now() - 30 * MINUTE));
      // The other organization's alert goes out while two of the first one's POSTs hang, and
      // the first one's three others wait their turn.
      const [theirs] = await fake.waitForPosts(1, { url: otherUrl, timeoutMs: hangMs - 1000 });
      expect(theirs?.at).toBeLessThan(firstAt + hangMs);
      expect(sentBy(theirs?.at ?? 0)).toBe(2);

      // None is dropped: the waiting ones go out once the hanging ones time out, and those are
      // retried.
      for (const channel of hanging) {
        expect(await settled(channel.id, 1, 40_000)).toMatchObject([{ status: "delivered" }]);
      }
      // Until the first hanging POSTs timed out, no more than two had been sent.
      expect(sentBy(firstAt + hangMs - 500)).toBe(2);
    } finally {
      await worker.close();
      worker = startWorker();
    }
  }, 90_000);
});
