import { toJson } from "@bufbuild/protobuf";
import { type AlertEvent, AlertEventSchema } from "../../../gen/pulsar/v1/alert_pb.js";
import {
  type AddressPolicy,
  alwaysBlockedReason,
  BlockedAddressError,
  blockedReason,
  refusalNote,
} from "../../netpolicy/address-policy.js";
import { connectedAddress, createGuardedFetch } from "../../netpolicy/guarded-fetch.js";
import { alertKindName } from "../alert-format.js";
import { type DiscordContext, discordMessage } from "./discord-message.js";
import { signWebhookBody } from "./webhook-signature.js";

/** ChannelTarget is where an alert goes: a channel as alert_channels stores it. */
export interface ChannelTarget {
  kind: "discord" | "webhook";
  url: string;
  /** The generic webhook's HMAC key. */
  secret?: string | null;
}

/** SendOptions are the transport and what a Discord message says beyond the event. */
export interface SendOptions extends DiscordContext {
  /**
   * The transport: a guarded fetch (internal/netpolicy/guarded-fetch.ts) for the installation's
   * policy. Default: one that refuses only link-local and cloud metadata addresses. A fetch
   * that is not guarded still works, but its receivers' error bodies are never quoted.
   */
  fetch?: typeof fetch;
  /**
   * Whose error bodies are quoted in `error`: an answer read from an address this policy
   * passes. Default: globally routable addresses only (blockedReason). Tests of the quoting
   * pass one that also passes loopback, where their receivers live.
   */
  quotable?: AddressPolicy;
  /** The whole exchange, body included; default 10 s. */
  timeoutMs?: number;
}

/** SendOutcome is how one POST went. */
export interface SendOutcome {
  delivered: boolean;
  /** The HTTP status answered; 0 when the channel could not be reached. */
  statusCode: number;
  /**
   * Why it was not delivered, in words ("Discord answered 404: Unknown Webhook"); "" if it was.
   * The receiver's own words (its body, its reason phrase) only when it is on the internet.
   */
  error: string;
  /** For a 429: how long the channel asked us to wait (retry_after, or Retry-After). */
  retryAfterMs?: number;
}

/** DEFAULT_SEND_TIMEOUT_MS bounds one delivery attempt. */
export const DEFAULT_SEND_TIMEOUT_MS = 10_000;

// Enough of an error body to say why; a receiver's 5 MB error page is not read.
const BODY_LIMIT = 4096;

/**
 * sendToChannel POSTs one alert to one channel, once: a Discord rich embed, or for a generic
 * webhook the event's protobuf JSON signed with X-Pulsar-Signature (HMAC-SHA256 of the raw
 * body), with the event id as Idempotency-Key and the kind as X-Pulsar-Event. It never throws:
 * the outcome says whether it was delivered and, if not, why. Redirects are not followed (a
 * POST is not re-sent to wherever a receiver points). Retrying is the caller's decision.
 *
 * The outcome is shown to the channel's organization (TestChannel's answer, a delivery's
 * stored error), so a refusal quotes the receiver's body only when the address actually
 * connected to is globally routable: otherwise a channel pointed at an internal service would
 * read that service's answers back. Then the error says only the status code.
 */
export async function sendToChannel(
  channel: ChannelTarget,
  event: AlertEvent,
  options: SendOptions = {},
): Promise<SendOutcome> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "Pulsar-Alerts/1",
  };
  let body: string;
  if (channel.kind === "discord") {
    body = JSON.stringify(discordMessage(event, options));
  } else {
    const json = toJson(AlertEventSchema, event) as Record<string, unknown>;
    // The receiver gets the event, not our bookkeeping of who else received it.
    delete json.deliveries;
    body = JSON.stringify(json);
    if (channel.secret) headers["x-pulsar-signature"] = signWebhookBody(body, channel.secret);
    headers["idempotency-key"] = event.id;
    headers["x-pulsar-event"] = alertKindName(event.kind);
  }

  let response: Response;
  try {
    const transport = options.fetch ?? createGuardedFetch(alwaysBlockedReason).fetch;
    response = await transport(channel.url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { delivered: false, statusCode: 0, error: unreachable(channel.url, error, timeoutMs) };
  }
  if (response.status >= 200 && response.status < 300) {
    // Delivered once the status is in: what follows cannot undo it.
    await response.body?.cancel().catch(() => {});
    return { delivered: true, statusCode: response.status, error: "" };
  }
  const text = await readSome(response, BODY_LIMIT).catch(() => "");
  const address = connectedAddress(response);
  const quotable =
    address !== undefined && (options.quotable ?? blockedReason)(address) === undefined;
  // The reason phrase is the receiver's words as much as its body is.
  const detail = quotable ? errorDetail(text) || response.statusText : "";
  const who = channel.kind === "discord" ? "Discord" : "The webhook";
  const outcome: SendOutcome = {
    delivered: false,
    statusCode: response.status,
    error: `${who} answered ${response.status}${detail ? `: ${detail}` : ""}`,
  };
  if (response.status >= 300 && response.status < 400) {
    outcome.error += " (redirects are not followed; use the final URL)";
  }
  if (response.status === 429) {
    const retryAfterMs = retryAfter(text, response.headers.get("retry-after"));
    if (retryAfterMs !== undefined) outcome.retryAfterMs = retryAfterMs;
  }
  return outcome;
}

/** readSome reads at most `limit` bytes of a body as text and drops the rest. */
async function readSome(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

/** errorDetail picks the reason out of an error body: Discord's {"message"}, or its first line. */
function errorDetail(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return "";
  try {
    const json: unknown = JSON.parse(trimmed);
    if (typeof json === "object" && json !== null) {
      const { message, error } = json as { message?: unknown; error?: unknown };
      if (typeof message === "string" && message) return message.slice(0, 200);
      if (typeof error === "string" && error) return error.slice(0, 200);
    }
  } catch {
    // Not JSON: the text itself says why.
  }
  return (trimmed.split("\n")[0] ?? "").slice(0, 200);
}

/**
 * retryAfter reads how long a 429 asks us to wait: Discord's JSON `retry_after` (seconds, with
 * a fraction), else the Retry-After header (seconds, or an HTTP date).
 */
function retryAfter(text: string, header: string | null): number | undefined {
  try {
    const json: unknown = JSON.parse(text);
    const seconds = (json as { retry_after?: unknown } | null)?.retry_after;
    if (typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0) {
      return Math.ceil(seconds * 1000);
    }
  } catch {
    // Not JSON: try the header.
  }
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** unreachable says in words why a POST got no answer. */
function unreachable(url: string, error: unknown, timeoutMs: number): string {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    return "the channel's URL is not valid";
  }
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `${host} did not answer within ${timeoutMs / 1000} s`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof BlockedAddressError) {
    return `refused ${host}: ${cause.reason}${refusalNote(cause.address)}`;
  }
  const code = (cause as { code?: unknown } | null)?.code;
  const words = cause instanceof Error ? cause.message : String(cause);
  return `could not reach ${host}: ${typeof code === "string" && !words.includes(code) ? `${words} (${code})` : words}`;
}
