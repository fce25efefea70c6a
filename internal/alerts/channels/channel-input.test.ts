import { create, type MessageInitShape, toJson } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ChannelSchema, ChannelSpecSchema } from "../../../gen/pulsar/v1/alert_pb.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { type ChannelRules, channelOf, maskUrl, resolveChannelSpec } from "./channel-input.js";

const DISCORD =
  "https://discord.com/api/webhooks/123456789012345678/AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789-wxyz";
const strict: ChannelRules = { allowInsecureChannelUrls: false, blockPrivateTargets: false };
const spec = (init: MessageInitShape<typeof ChannelSpecSchema>) => create(ChannelSpecSchema, init);
const discord = (webhookUrl: string, name = "ops") =>
  spec({ name, kind: { case: "discord", value: { webhookUrl } } });
const webhook = (url: string, secret = "s".repeat(16), name = "hook") =>
  spec({ name, kind: { case: "webhook", value: { url, secret } } });

/** problem returns the InvalidArgumentError message resolving spec throws. */
function problem(input: ReturnType<typeof spec> | undefined, rules = strict): string {
  try {
    resolveChannelSpec(input, rules);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error.message;
    throw error;
  }
  throw new Error("expected an InvalidArgumentError");
}

describe("resolveChannelSpec", () => {
  it("accepts a Discord webhook on discord.com or discordapp.com, and a signed generic webhook", () => {
    expect(resolveChannelSpec(discord(DISCORD, "  ops  "), strict)).toEqual({
      name: "ops",
      kind: "discord",
      url: DISCORD,
    });
    const legacy = DISCORD.replace("discord.com", "discordapp.com");
    expect(resolveChannelSpec(discord(legacy), strict).url).toBe(legacy);
    expect(resolveChannelSpec(webhook("https://hooks.example.com/pulsar"), strict)).toEqual({
      name: "hook",
      kind: "webhook",
      url: "https://hooks.example.com/pulsar",
      secret: "s".repeat(16),
    });
  });

  it.each([
    ["no channel", undefined, "channel is required"],
    ["an empty name", discord(DISCORD, " "), "channel.name must be 1–100 characters"],
    ["a long name", discord(DISCORD, "n".repeat(101)), "channel.name must be 1–100 characters"],
    ["no kind", spec({ name: "x" }), "channel.kind is required: set discord or webhook"],
    ["no Discord URL", discord(""), "channel.discord.webhookUrl is required"],
    [
      "a Discord URL that is not one",
      discord("not a url"),
      "channel.discord.webhookUrl must be an absolute URL",
    ],
    [
      "another host",
      discord(DISCORD.replace("discord.com", "evil.example")),
      "channel.discord.webhookUrl must be a Discord webhook URL",
    ],
    [
      "a look-alike host",
      discord(DISCORD.replace("discord.com", "discord.com.evil.example")),
      "channel.discord.webhookUrl must be a Discord webhook URL",
    ],
    [
      "plain http",
      discord(DISCORD.replace("https:", "http:")),
      "channel.discord.webhookUrl must be a Discord webhook URL",
    ],
    [
      "another path",
      discord("https://discord.com/api/channels/123456/abcdefghijklmnopqrstuv"),
      "channel.discord.webhookUrl must be a Discord webhook URL",
    ],
    [
      "a non-numeric id",
      discord("https://discord.com/api/webhooks/abc/abcdefghijklmnopqrstuvwxyz"),
      "channel.discord.webhookUrl must be a Discord webhook URL",
    ],
    [
      "a query",
      discord(`${DISCORD}?wait=true`),
      "channel.discord.webhookUrl must not have a query or a fragment",
    ],
    [
      "a local fake without the test switch",
      discord("http://127.0.0.1:9000/api/webhooks/123456/abcdefghijklmnopqrstuvwxyz"),
      "channel.discord.webhookUrl must be a Discord webhook URL",
    ],
    ["no webhook URL", webhook(""), "channel.webhook.url is required"],
    [
      "a webhook over ftp",
      webhook("ftp://example.com/x"),
      "channel.webhook.url must use http or https",
    ],
    [
      "a webhook with credentials",
      webhook("https://u:p@example.com/x"),
      "channel.webhook.url must not contain credentials",
    ],
    [
      "a short secret",
      webhook("https://example.com/x", "short"),
      "channel.webhook.secret must be 16–512 characters",
    ],
    [
      "a long URL",
      webhook(`https://example.com/${"x".repeat(2100)}`),
      "channel.webhook.url must be at most 2048 characters",
    ],
  ])("refuses %s", (_, input, message) => {
    expect(problem(input)).toContain(message);
  });

  it("accepts a local fake Discord or webhook over http only when told to (tests)", () => {
    const rules = { ...strict, allowInsecureChannelUrls: true };
    const fake = "http://127.0.0.1:9000/api/webhooks/123456/abcdefghijklmnopqrstuvwxyz";
    expect(resolveChannelSpec(discord(fake), rules).url).toBe(fake);
    expect(
      problem(discord("http://10.0.0.1/api/webhooks/123456/abcdefghijklmnopqrstuvwxyz"), rules),
    ).toContain("must be a Discord webhook URL");
  });

  it("refuses webhooks to addresses visible as private when private targets are blocked", () => {
    const rules = { ...strict, blockPrivateTargets: true };
    for (const url of ["http://10.1.2.3/x", "http://localhost:8080/", "http://[::1]/x"]) {
      expect(problem(webhook(url), rules)).toContain(
        "channel.webhook.url must reach a public address",
      );
    }
    expect(resolveChannelSpec(webhook("https://hooks.example.com/x"), rules).url).toBe(
      "https://hooks.example.com/x",
    );
    // Without the switch a LAN receiver is fine: a self-hosted install alerts its own services.
    expect(resolveChannelSpec(webhook("http://10.1.2.3/x"), strict).url).toBe("http://10.1.2.3/x");
  });

  it.each([
    ["http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"],
    ["http://2852039166/latest", "169.254.169.254 is a link-local address"],
    ["http://[fd00:ec2::254]/latest", "fd00:ec2::254 is a cloud metadata address (AWS)"],
    ["http://100.100.100.200/latest", "100.100.100.200 is a cloud metadata address"],
    ["http://[::ffff:169.254.169.254]/", "IPv4-mapped form of 169.254.169.254"],
    ["https://[fe80::1]/hook", "fe80::1 is a link-local address"],
  ])("refuses a webhook to %s whatever PULSAR_BLOCK_PRIVATE_TARGETS says", (url, reason) => {
    for (const blockPrivateTargets of [false, true]) {
      const message = problem(webhook(url), { ...strict, blockPrivateTargets });
      expect(
        message.startsWith(
          "channel.webhook.url must not be a link-local or cloud metadata address: ",
        ),
      ).toBe(true);
      expect(message).toContain(reason);
      // No setting opens these, so none is named as the cure.
      expect(message).not.toContain("PULSAR_BLOCK_PRIVATE_TARGETS");
    }
  });
});

describe("channel masking", () => {
  it("shows a Discord webhook's id and the last 4 characters of its token only", () => {
    expect(maskUrl("discord", DISCORD)).toBe(
      "https://discord.com/api/webhooks/123456789012345678/…wxyz",
    );
  });

  it("shows a generic webhook's origin only, and never its secret", () => {
    const channel = channelOf({
      id: "00000000-0000-4000-8000-000000000000",
      name: "hook",
      kind: "webhook",
      url: "https://hooks.example.com/secret-path?token=abc",
      secret: "a-very-secret-secret",
      createdAt: new Date(0),
    });
    expect(channel.kind).toEqual({
      case: "webhook",
      value: expect.objectContaining({ url: "https://hooks.example.com/…", secret: "" }),
    });
    expect(JSON.stringify(toJson(ChannelSchema, channel))).not.toMatch(
      /secret-path|token=abc|a-very-secret/,
    );
  });
});
