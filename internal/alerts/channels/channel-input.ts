import { isIP } from "node:net";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type Channel, ChannelSchema, type ChannelSpec } from "../../../gen/pulsar/v1/alert_pb.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { alwaysBlockedReason, blockedReason } from "../../netpolicy/address-policy.js";
import type { NewChannel, StoredChannel } from "../alert-admin.js";

/** ChannelRules are the installation's settings that decide which channel URLs are accepted. */
export interface ChannelRules {
  /**
   * Accept http://127.0.0.1… and http://localhost… (Discord-shaped paths included): only for
   * tests against a local fake. false in production.
   */
  allowInsecureChannelUrls: boolean;
  /**
   * PULSAR_BLOCK_PRIVATE_TARGETS: refuse a webhook whose host is an IP literal that is not
   * globally routable, or localhost. (A name resolving inside is for the sender to refuse.)
   * Link-local and cloud metadata literals are refused either way.
   */
  blockPrivateTargets: boolean;
}

const MAX_URL = 2048;
const MIN_SECRET = 16;
const MAX_SECRET = 512;
const DISCORD_HOSTS = new Set([
  "discord.com",
  "discordapp.com",
  "ptb.discord.com",
  "canary.discord.com",
]);
/** /api/webhooks/<id>/<token>, optionally with an API version (/api/v10/webhooks/…). */
const DISCORD_PATH = /^\/api(?:\/v\d{1,2})?\/webhooks\/(\d{5,25})\/([A-Za-z0-9_-]{20,200})$/;
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * resolveChannelSpec validates a channel to create: name 1–100 characters; a Discord webhook URL
 * (https://discord.com/api/webhooks/<id>/<token>, or discordapp.com); or a generic webhook URL
 * (http or https) with a secret of at least 16 characters. `field` prefixes the messages.
 */
export function resolveChannelSpec(
  spec: ChannelSpec | undefined,
  rules: ChannelRules,
  field = "channel",
): NewChannel {
  if (!spec) throw new InvalidArgumentError(field, "is required");
  const name = spec.name.trim();
  if (name.length < 1 || name.length > 100) {
    throw new InvalidArgumentError(`${field}.name`, "must be 1–100 characters");
  }
  switch (spec.kind.case) {
    case "discord":
      return {
        name,
        kind: "discord",
        url: checkDiscordUrl(`${field}.discord.webhookUrl`, spec.kind.value.webhookUrl, rules),
      };
    case "webhook": {
      const url = checkWebhookUrl(`${field}.webhook.url`, spec.kind.value.url, rules);
      const secret = spec.kind.value.secret;
      if (secret.length < MIN_SECRET || secret.length > MAX_SECRET) {
        throw new InvalidArgumentError(
          `${field}.webhook.secret`,
          `must be ${MIN_SECRET}–${MAX_SECRET} characters`,
        );
      }
      return { name, kind: "webhook", url, secret };
    }
    default:
      throw new InvalidArgumentError(`${field}.kind`, "is required: set discord or webhook");
  }
}

function parseUrl(field: string, raw: string): URL {
  if (raw === "") throw new InvalidArgumentError(field, "is required");
  if (raw.length > MAX_URL)
    throw new InvalidArgumentError(field, `must be at most ${MAX_URL} characters`);
  try {
    return new URL(raw);
  } catch {
    throw new InvalidArgumentError(field, "must be an absolute URL");
  }
}

/** isLocalFake says whether a URL is http to this machine, accepted only for tests. */
function isLocalFake(url: URL, rules: ChannelRules): boolean {
  return (
    rules.allowInsecureChannelUrls && url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname)
  );
}

function checkDiscordUrl(field: string, raw: string, rules: ChannelRules): string {
  const url = parseUrl(field, raw.trim());
  const official = url.protocol === "https:" && DISCORD_HOSTS.has(url.hostname) && url.port === "";
  const pathOk = DISCORD_PATH.test(url.pathname);
  if (!(official || isLocalFake(url, rules)) || !pathOk || url.username || url.password) {
    throw new InvalidArgumentError(
      field,
      "must be a Discord webhook URL: https://discord.com/api/webhooks/<id>/<token>",
    );
  }
  if (url.search || url.hash) {
    throw new InvalidArgumentError(field, "must not have a query or a fragment");
  }
  return url.toString();
}

function checkWebhookUrl(field: string, raw: string, rules: ChannelRules): string {
  const url = parseUrl(field, raw.trim());
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidArgumentError(field, "must use http or https");
  }
  if (url.hostname === "" || /^\.+$/.test(url.hostname)) {
    throw new InvalidArgumentError(field, "must have a valid host");
  }
  if (url.username !== "" || url.password !== "") {
    throw new InvalidArgumentError(field, "must not contain credentials");
  }
  // No setting opens these: the message must not suggest one does.
  const never = metadataHostReason(url.hostname);
  if (never) {
    throw new InvalidArgumentError(
      field,
      `must not be a link-local or cloud metadata address: ${never}`,
    );
  }
  if (rules.blockPrivateTargets && !isLocalFake(url, rules)) {
    const reason = privateHostReason(url.hostname);
    if (reason) throw new InvalidArgumentError(field, `must reach a public address: ${reason}`);
  }
  return url.toString();
}

/** metadataHostReason says why a URL's host may never be reached, when it is an IP literal. */
function metadataHostReason(hostname: string): string | undefined {
  const host = hostname.replace(/^\[|\]$/g, "");
  // A name is judged where it resolves, by the sender (the guarded fetch).
  return isIP(host) === 0 ? undefined : alwaysBlockedReason(host);
}

/** privateHostReason says why a URL's host is not public when that is visible in the URL. */
function privateHostReason(hostname: string): string | undefined {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return `${host} is this machine`;
  // A name is judged where it resolves, by the sender; here only what the URL shows.
  return isIP(host) === 0 ? undefined : blockedReason(host);
}

/**
 * maskUrl shows enough of a channel's URL to recognise it and nothing that lets anyone post to
 * it: a Discord webhook keeps its id and the last 4 characters of its token
 * (https://discord.com/api/webhooks/123/…abcd); any other URL only its origin (https://x/…).
 */
export function maskUrl(kind: StoredChannel["kind"], raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "…";
  }
  const discord = kind === "discord" ? DISCORD_PATH.exec(url.pathname) : null;
  if (discord) {
    const [, , token = ""] = discord;
    const head = url.pathname.slice(0, url.pathname.length - token.length);
    return `${url.origin}${head}…${token.slice(-4)}`;
  }
  return `${url.origin}/…`;
}

/** channelOf answers a stored channel with its URL masked and no secret. */
export function channelOf(stored: StoredChannel): Channel {
  const url = maskUrl(stored.kind, stored.url);
  return create(ChannelSchema, {
    id: stored.id,
    name: stored.name,
    kind:
      stored.kind === "discord"
        ? { case: "discord", value: { webhookUrl: url } }
        : { case: "webhook", value: { url, secret: "" } },
    createdAt: timestampFromDate(stored.createdAt),
  });
}
