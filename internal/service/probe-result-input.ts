import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { CheckErrorKind, type CheckResult } from "../../gen/pulsar/v1/check_pb.js";
import { InvalidArgumentError } from "../core/errors.js";
import { isUuid } from "../core/ids.js";

/** MAX_REPORTED_RESULTS bounds ReportResultsRequest.results. */
export const MAX_REPORTED_RESULTS = 1000;
/** How far ahead of the API's clock checked_at may be: a probe's clock a little fast. */
const MAX_AHEAD_MS = 5 * 60_000;
/** How old checked_at may be: a probe backfills what it buffered while the API was away. */
const MAX_AGE_MS = 24 * 3600_000;
/** The longest anything a check measures may last, in ms (a day): past it, a broken probe. */
const MAX_DURATION_MS = 24 * 3600_000;

/**
 * What a probe's check may report: the kinds of a check's failure; a heartbeat's kinds come
 * from pings to the API, never from a probe.
 */
const PROBE_ERROR_KINDS: ReadonlySet<CheckErrorKind> = new Set([
  CheckErrorKind.UNSPECIFIED,
  CheckErrorKind.DNS,
  CheckErrorKind.CONNECTION_REFUSED,
  CheckErrorKind.CONNECTION,
  CheckErrorKind.TIMEOUT,
  CheckErrorKind.TLS,
  CheckErrorKind.STATUS,
  CheckErrorKind.KEYWORD,
  CheckErrorKind.REDIRECT,
  CheckErrorKind.PROTOCOL,
  CheckErrorKind.BLOCKED,
  CheckErrorKind.CONDITION,
  CheckErrorKind.ANSWER,
]);

/** Text fields of a result and their bounds in UTF-8 bytes (a DNS answer keeps 10 KiB). */
const TEXT_LIMITS = {
  error: 4096,
  tlsCertIssuer: 1024,
  remoteAddress: 64,
  answer: 10 * 1024,
  region: 64,
} as const;

/**
 * PROBE_MAX_REQUEST_BYTES is ProbeCheckService's read limit: the fullest ReportResults (1000
 * results at their text bounds) fits.
 */
export const PROBE_MAX_REQUEST_BYTES = 20 * 1024 * 1024;

/**
 * requireProbeResults validates a probe's results, throwing invalid_argument naming the first
 * bad field (`results[3].checkedAt`). The region and the maintenance mark are not the probe's
 * to say: they are set by the API when stored (internal/regions/probe-results.ts).
 */
export function requireProbeResults(results: readonly CheckResult[], nowMs: number): void {
  if (results.length > MAX_REPORTED_RESULTS) {
    throw new InvalidArgumentError("results", `must have at most ${MAX_REPORTED_RESULTS} results`);
  }
  results.forEach((result, i) => {
    requireProbeResult(result, `results[${i}]`, nowMs);
  });
}

function requireProbeResult(result: CheckResult, at: string, nowMs: number): void {
  if (!isUuid(result.monitorId))
    throw new InvalidArgumentError(`${at}.monitorId`, "must be a UUID");
  if (!result.checkedAt) throw new InvalidArgumentError(`${at}.checkedAt`, "is required");
  const checkedMs = requireTime(`${at}.checkedAt`, result.checkedAt);
  if (checkedMs > nowMs + MAX_AHEAD_MS) {
    throw new InvalidArgumentError(
      `${at}.checkedAt`,
      "must be at most 5 minutes ahead of the API's clock",
    );
  }
  if (checkedMs < nowMs - MAX_AGE_MS) {
    throw new InvalidArgumentError(`${at}.checkedAt`, "must be at most 24 hours old");
  }
  if (result.scheduledAt) requireTime(`${at}.scheduledAt`, result.scheduledAt);
  if (result.tlsCertExpiresAt) requireTime(`${at}.tlsCertExpiresAt`, result.tlsCertExpiresAt);
  requireInt(`${at}.statusCode`, result.statusCode, 0, 999);
  requireInt(`${at}.redirectCount`, result.redirectCount, 0, 100);
  if (!PROBE_ERROR_KINDS.has(result.errorKind)) {
    throw new InvalidArgumentError(`${at}.errorKind`, "is not a kind of check failure");
  }
  if (result.responseBytes < 0n || result.responseBytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidArgumentError(`${at}.responseBytes`, "must be a non-negative byte count");
  }
  requireDuration(`${at}.loopDelayMs`, result.loopDelayMs);
  requireDuration(`${at}.jobDurationMs`, result.jobDurationMs);
  const timing = result.timing;
  if (timing) {
    for (const phase of [
      "redirectMs",
      "dnsMs",
      "connectMs",
      "tlsMs",
      "ttfbMs",
      "downloadMs",
      "totalMs",
    ] as const) {
      requireDuration(`${at}.timing.${phase}`, timing[phase]);
    }
  }
  for (const [field, max] of Object.entries(TEXT_LIMITS) as [keyof typeof TEXT_LIMITS, number][]) {
    if (Buffer.byteLength(result[field], "utf8") > max) {
      throw new InvalidArgumentError(`${at}.${field}`, `must be at most ${max} bytes`);
    }
  }
}

/** requireTime reads a timestamp that protobuf-es accepted but may still be out of range. */
function requireTime(field: string, time: Timestamp): number {
  const ms = time.nanos >= 0 && time.nanos < 1e9 ? timestampMs(time) : Number.NaN;
  // Years 1970–9999: anything else is no instant a check happened at or a certificate ends.
  if (!Number.isFinite(ms) || ms < 0 || ms > 253402300799000) {
    throw new InvalidArgumentError(field, "must be a valid time");
  }
  return ms;
}

function requireInt(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, `must be between ${min} and ${max}`);
  }
}

function requireDuration(field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > MAX_DURATION_MS) {
    throw new InvalidArgumentError(
      field,
      `must be a finite number of ms between 0 and ${MAX_DURATION_MS}`,
    );
  }
}
