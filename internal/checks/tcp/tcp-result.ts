import type { X509Certificate } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  CheckErrorKind,
  type CheckResult,
  CheckResultSchema,
} from "../../../gen/pulsar/v1/check_pb.js";
import type { Failure } from "../http/errors.js";
import { certExpiresAtMs, certIssuerName } from "../http/tls-info.js";
import { type HopMarks, waterfall } from "../http/waterfall.js";
import type { AnswerReader } from "./answer-reader.js";

/** TcpOutcome is what a finished TCP check knows, for its result. */
export interface TcpOutcome {
  /** When the check started, in ms since the epoch. */
  readonly startedAtMs: number;
  /** When the check started, as performance.now(). */
  readonly start: number;
  /** When the verdict was reached, as performance.now(). */
  readonly end: number;
  /** Undefined when the check is up. */
  readonly failure: Failure | undefined;
  /** The instants reached; undefined when no socket was opened. */
  readonly marks: HopMarks | undefined;
  /** The answer read; undefined when the check never got to connect. */
  readonly reader: AnswerReader | undefined;
  /** Whether the result keeps the answer: only when send or expect was set. */
  readonly keepsAnswer: boolean;
  readonly cert: X509Certificate | undefined;
  readonly remoteAddress: string;
  readonly loopDelayMs: number;
}

/**
 * tcpResult builds the CheckResult of a TCP check: statusCode 0, the phases of its waterfall
 * (ttfb from connected to the first byte of the answer, download from there to the verdict),
 * the certificate's expiry and issuer even when it was rejected, and the answer as safe text.
 */
export function tcpResult(outcome: TcpOutcome): CheckResult {
  const { failure, cert, reader } = outcome;
  const expiresAtMs = cert === undefined ? undefined : certExpiresAtMs(cert);
  return create(CheckResultSchema, {
    checkedAt: timestampFromMs(outcome.startedAtMs),
    up: failure === undefined,
    statusCode: 0,
    error: failure?.error ?? "",
    errorKind: failure?.kind ?? CheckErrorKind.UNSPECIFIED,
    timing: waterfall(outcome.start, outcome.marks, outcome.end),
    responseBytes: BigInt(reader?.bytes ?? 0),
    tlsCertExpiresAt: expiresAtMs === undefined ? undefined : timestampFromMs(expiresAtMs),
    tlsCertIssuer: cert === undefined ? "" : certIssuerName(cert),
    remoteAddress: outcome.remoteAddress,
    loopDelayMs: outcome.loopDelayMs,
    answer: outcome.keepsAnswer ? (reader?.text() ?? "") : "",
  });
}
