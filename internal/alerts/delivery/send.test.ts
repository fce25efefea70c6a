import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { create, fromJson } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AlertEvent, AlertEventSchema, AlertKind } from "../../../gen/pulsar/v1/alert_pb.js";
import {
  type FakeDiscord,
  rateLimited,
  startFakeDiscord,
} from "../../../test/support/fake-discord.js";
import { resultFixture } from "../../../test/support/fixtures.js";
import { policyFor } from "../../netpolicy/address-policy.js";
import { createGuardedFetch, type GuardedFetch } from "../../netpolicy/guarded-fetch.js";
import { EMBED_COLOURS } from "./discord-message.js";
import { sendToChannel } from "./send.js";
import { verifyWebhookSignature } from "./webhook-signature.js";

let fake: FakeDiscord;
// What a private-targets-allowed installation passes (PULSAR_BLOCK_PRIVATE_TARGETS=false).
let lan: GuardedFetch;

const SECRET = "s3cr3t-internal-token-7f1e";
/** Counts the local fakes as the internet, to see what a public receiver's answer becomes. */
const asIfPublic = { quotable: () => undefined };

/** closedPort is a port nothing listens on (fetch refuses well-known ones such as 9). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  fake = await startFakeDiscord();
  lan = createGuardedFetch(policyFor(false));
});
afterAll(async () => {
  await lan.close();
  await fake.close();
});

const MONITOR_ID = "6f1c1d3e-0000-4000-8000-000000000001";

const downEvent = (): AlertEvent =>
  create(AlertEventSchema, {
    id: "0b7e6a52-0000-4000-8000-000000000002",
    kind: AlertKind.MONITOR_DOWN,
    createdAt: timestampFromMs(Date.UTC(2026, 10, 24, 12, 0, 0)),
    monitorId: MONITOR_ID,
    incidentId: "0b7e6a52-0000-4000-8000-000000000003",
    title: "Checkout API is down",
    message: "Error: status 503\nTiming: DNS 3 ms · TCP 12 ms",
    checkResult: resultFixture({ monitorId: MONITOR_ID, checkedAtMs: 1_000, up: false }),
  });

const monitor = { name: "Checkout API" };

interface DiscordBody {
  allowed_mentions: { parse: string[] };
  embeds: {
    title: string;
    url?: string;
    description: string;
    color: number;
    fields: { name: string; value: string }[];
  }[];
}

describe("sendToChannel", () => {
  it("posts Discord one embed coloured by kind, with the monitor, the details and a link", async () => {
    const url = fake.webhookUrl();
    const outcome = await sendToChannel({ kind: "discord", url }, downEvent(), {
      monitor,
      publicUrl: "https://pulsar.example/",
    });
    expect(outcome).toEqual({ delivered: true, statusCode: 204, error: "" });
    const [post] = fake.posts(url);
    const body = post?.json as DiscordBody;
    const embed = body.embeds[0];
    expect(embed?.title).toBe("Checkout API is down");
    expect(embed?.color).toBe(EMBED_COLOURS[AlertKind.MONITOR_DOWN]);
    expect(embed?.url).toBe(`https://pulsar.example/monitors/${MONITOR_ID}`);
    expect(embed?.description).toContain("Error: status 503");
    expect(embed?.description).toContain("DNS 3 ms · TCP 12 ms");
    expect(embed?.fields).toContainEqual({ name: "Monitor", value: "Checkout API", inline: true });
    // What the monitor checks is in the message, worded for its kind: no field repeats it.
    expect(embed?.fields.map((f) => f.name)).toEqual(["Monitor", "Details"]);
    // An error text cannot ping a whole server.
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(post?.headers["idempotency-key"]).toBeUndefined();
  });

  it("links nowhere without PUBLIC_URL, and says how long a recovered monitor was down", async () => {
    const url = fake.webhookUrl();
    const event = create(AlertEventSchema, {
      ...downEvent(),
      kind: AlertKind.MONITOR_RECOVERED,
      title: "Checkout API recovered after 4 min 12 s",
      downtimeSeconds: 252,
    });
    await sendToChannel({ kind: "discord", url }, event, { monitor });
    const embed = (fake.posts(url)[0]?.json as DiscordBody | undefined)?.embeds[0];
    expect(embed?.url).toBeUndefined();
    expect(embed?.color).toBe(EMBED_COLOURS[AlertKind.MONITOR_RECOVERED]);
    expect(embed?.fields).toContainEqual({ name: "Downtime", value: "4 min 12 s", inline: true });
  });

  it("says why Discord refused a message, in Discord's words", async () => {
    const url = fake.webhookUrl();
    fake.answer(url, { status: 404, body: { message: "Unknown Webhook", code: 10015 } });
    expect(await sendToChannel({ kind: "discord", url }, downEvent(), asIfPublic)).toEqual({
      delivered: false,
      statusCode: 404,
      error: "Discord answered 404: Unknown Webhook",
    });
  });

  it("reads how long a 429 asks to wait from retry_after, else from Retry-After", async () => {
    const url = fake.webhookUrl();
    fake.answer(url, rateLimited(1.5), { status: 429, headers: { "retry-after": "3" } });
    const first = await sendToChannel({ kind: "discord", url }, downEvent(), asIfPublic);
    expect(first).toMatchObject({ delivered: false, statusCode: 429, retryAfterMs: 1500 });
    expect(first.error).toBe("Discord answered 429: You are being rate limited.");
    const second = await sendToChannel({ kind: "discord", url }, downEvent());
    expect(second.retryAfterMs).toBe(3000);
  });

  it("never repeats what a private address answered: the status code only", async () => {
    const url = `${fake.origin}/hooks/internal`;
    fake.answer(
      url,
      { status: 500, body: { message: `db password is ${SECRET}` } },
      { status: 404, body: { error: SECRET } },
    );
    const first = await sendToChannel({ kind: "webhook", url }, downEvent());
    expect(first).toEqual({ delivered: false, statusCode: 500, error: "The webhook answered 500" });
    // The installation's own guarded fetch (private targets allowed) is no different.
    const second = await sendToChannel({ kind: "webhook", url }, downEvent(), {
      fetch: lan.fetch,
    });
    expect(second).toEqual({
      delivered: false,
      statusCode: 404,
      error: "The webhook answered 404",
    });
  });

  it("never repeats a private address's reason phrase, nor a plain text body", async () => {
    const receiver = createServer((_req, res) => {
      res.writeHead(503, `Service Unavailable ${SECRET}`, { "content-type": "text/plain" });
      res.end(`${SECRET}\nmore`);
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
      const outcome = await sendToChannel({ kind: "webhook", url }, downEvent());
      expect(outcome.error).toBe("The webhook answered 503");
      // Counted as public, the same answer would be quoted: the body's first line.
      const quoted = await sendToChannel({ kind: "webhook", url }, downEvent(), asIfPublic);
      expect(quoted.error).toBe(`The webhook answered 503: ${SECRET}`);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it("quotes nobody through a fetch that cannot say where it connected", async () => {
    const url = `${fake.origin}/hooks/unguarded`;
    fake.answer(url, { status: 500, body: { message: SECRET } });
    const outcome = await sendToChannel({ kind: "webhook", url }, downEvent(), {
      fetch,
      quotable: () => undefined,
    });
    expect(outcome.error).toBe("The webhook answered 500");
  });

  it("never posts to a cloud metadata address, whatever transport it was given", async () => {
    for (const url of ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/"]) {
      const outcome = await sendToChannel({ kind: "webhook", url }, downEvent());
      expect(outcome.statusCode, url).toBe(0);
      expect(outcome.error, url).toMatch(/^refused .*: .* never reached, whatever the settings$/);
      expect(outcome.error, url).not.toContain("PULSAR_BLOCK_PRIVATE_TARGETS");
    }
  });

  it("signs a generic webhook's body with HMAC-SHA256 and sends the event id as Idempotency-Key", async () => {
    const url = `${fake.origin}/hooks/signed`;
    const secret = "a secret of at least 16 characters";
    const event = downEvent();
    const outcome = await sendToChannel({ kind: "webhook", url, secret }, event);
    expect(outcome.delivered).toBe(true);
    const [post] = fake.posts(url);
    if (!post) throw new Error("no post");
    const expected = `sha256=${createHmac("sha256", secret).update(post.body).digest("hex")}`;
    expect(post.headers["x-pulsar-signature"]).toBe(expected);
    expect(verifyWebhookSignature(post.body, secret, expected)).toBe(true);
    expect(verifyWebhookSignature(`${post.body} `, secret, expected)).toBe(false);
    expect(post.headers["idempotency-key"]).toBe(event.id);
    expect(post.headers["x-pulsar-event"]).toBe("monitor_down");
    const received = fromJson(AlertEventSchema, post.json as never);
    expect(received.title).toBe(event.title);
    expect(received.checkResult?.error).toBe("status 503");
  });

  it("reports an unreachable channel and one that does not answer in time", async () => {
    const port = await closedPort();
    const refused = await sendToChannel(
      { kind: "webhook", url: `http://127.0.0.1:${port}/hook`, secret: "x".repeat(16) },
      downEvent(),
    );
    expect(refused.statusCode).toBe(0);
    expect(refused.error).toMatch(
      new RegExp(`^could not reach 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
    );

    const url = `${fake.origin}/hooks/hang`;
    fake.answer(url, { status: 200, hang: true });
    const started = Date.now();
    const slow = await sendToChannel({ kind: "webhook", url }, downEvent(), { timeoutMs: 300 });
    expect(slow).toEqual({
      delivered: false,
      statusCode: 0,
      error: `${new URL(fake.origin).host} did not answer within 0.3 s`,
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
