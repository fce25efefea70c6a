import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import { BlockedAddressError, refusalNote } from "../../netpolicy/address-policy.js";
import { TlsVerifyError } from "./tls-info.js";

/** Failure is why a check is down: a kind for grouping and words for people. */
export interface Failure {
  readonly kind: CheckErrorKind;
  readonly error: string;
}

/** Phase is the part of a hop that was running when it failed. */
export type Phase = "dns" | "connect" | "tls" | "response" | "body";

/** FailureContext is what the words need to know about the hop that failed. */
export interface FailureContext {
  readonly phase: Phase;
  readonly hostname: string;
  readonly port: number;
}

/** PHASE_WORDS says what a check was doing, for timeouts ("timeout after 300 ms (…)"). */
export const PHASE_WORDS: Record<Phase, string> = {
  dns: "resolving the name",
  connect: "connecting",
  tls: "in the TLS handshake",
  response: "waiting for the response",
  body: "reading the body",
};

const DNS_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NODATA",
  "EAI_NONAME",
  "ENODATA",
  "ESERVFAIL",
  "ETIMEOUT",
]);

const CONNECTION_WORDS: Record<string, string> = {
  ECONNRESET: "connection reset by the server",
  EPIPE: "connection closed by the server while sending the request",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EADDRNOTAVAIL: "no local address available to connect",
  UND_ERR_SOCKET: "connection closed by the server before the response was complete",
  UND_ERR_CLOSED: "connection closed before the request was sent",
};

const PROTOCOL_WORDS: Record<string, string> = {
  UND_ERR_HEADERS_OVERFLOW: "response headers too large",
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: "response body does not match its content-length",
  UND_ERR_NOT_SUPPORTED: "response not supported",
};

interface ErrorFields {
  code?: unknown;
  message?: unknown;
  reason?: unknown;
  address?: unknown;
  port?: unknown;
  errors?: unknown;
}

/**
 * networkFailure turns an error from Node or undici into a {@link Failure}. It reads only
 * `code` and a few fields (never matches on messages, which change between versions), and
 * uses the phase to tell a reset in the TLS handshake from one during the response.
 */
export function networkFailure(err: unknown, ctx: FailureContext): Failure {
  const e = firstCause(err);
  if (err instanceof BlockedAddressError) return blockedFailure(err);
  if (e instanceof BlockedAddressError) return blockedFailure(e);
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : String(err);
  if (DNS_CODES.has(code) || ctx.phase === "dns") {
    return fail(CheckErrorKind.DNS, `DNS lookup failed for ${ctx.hostname} (${code || message})`);
  }
  if (code === "ECONNREFUSED") {
    const address = typeof e.address === "string" ? e.address : ctx.hostname;
    const port = typeof e.port === "number" ? e.port : ctx.port;
    const where = address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
    return fail(CheckErrorKind.CONNECTION_REFUSED, `connection refused by ${where}`);
  }
  if (err instanceof TlsVerifyError || isTlsCode(code) || ctx.phase === "tls") {
    // OpenSSL errors carry a short `reason` ("wrong version number"); ours carry words.
    const words = typeof e.reason === "string" ? e.reason : message;
    return fail(CheckErrorKind.TLS, `TLS error: ${words}${code ? ` (${code})` : ""}`);
  }
  if (code.startsWith("HPE_")) {
    return fail(CheckErrorKind.PROTOCOL, `invalid HTTP response: ${message} (${code})`);
  }
  const protocol = PROTOCOL_WORDS[code];
  if (protocol !== undefined) return fail(CheckErrorKind.PROTOCOL, protocol);
  if (code === "UND_ERR_INVALID_ARG" || code === "ERR_INVALID_URL") {
    return fail(CheckErrorKind.UNSPECIFIED, `invalid request: ${message}`);
  }
  const words = CONNECTION_WORDS[code] ?? message;
  return fail(CheckErrorKind.CONNECTION, code ? `${words} (${code})` : words);
}

/** fail builds a {@link Failure}; exported for the judgements made outside this module. */
export function fail(kind: CheckErrorKind, error: string): Failure {
  return { kind, error };
}

/**
 * The words name the setting when one decides it, so whoever reads a blocked check knows what
 * to change; link-local and cloud metadata addresses are refused whatever the settings say.
 */
function blockedFailure(err: BlockedAddressError): Failure {
  const via = err.hostname === err.address ? "" : `${err.hostname} resolves to ${err.address}; `;
  return fail(CheckErrorKind.BLOCKED, `blocked: ${via}${err.reason}${refusalNote(err.address)}`);
}

function isTlsCode(code: string): boolean {
  return code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_") || code.startsWith("ERR_OSSL_");
}

/** Happy-eyeballs connects fail with an AggregateError; its first cause names the problem. */
function firstCause(err: unknown): ErrorFields {
  if (typeof err !== "object" || err === null) return { message: String(err) };
  const fields = err as ErrorFields;
  if (fields.code === undefined && Array.isArray(fields.errors) && fields.errors.length > 0) {
    return firstCause(fields.errors[0]);
  }
  return fields;
}
