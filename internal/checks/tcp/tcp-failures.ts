import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import { type Failure, fail, networkFailure, type Phase } from "../http/errors.js";
import { MAX_ANSWER_BYTES } from "./answer-reader.js";
import { showText } from "./escapes.js";

/** TcpPhase is what a TCP check was doing when it ended (or is doing now). */
export type TcpPhase = "dns" | "connect" | "tls" | "send" | "answer" | "reading";

/** How much of an answer an error message quotes, in characters. */
const QUOTED_CHARACTERS = 100;

const PHASE_WORDS: Record<TcpPhase, string> = {
  dns: "resolving the name",
  connect: "connecting",
  tls: "in the TLS handshake",
  send: "sending",
  answer: "waiting for the answer",
  reading: "reading the answer",
};

/** The HTTP check's phases, whose words for network errors fit a TCP check as well. */
const HTTP_PHASE: Record<TcpPhase, Phase> = {
  dns: "dns",
  connect: "connect",
  tls: "tls",
  send: "response",
  answer: "response",
  reading: "body",
};

/** Codes of a write that met a connection the peer had already closed. */
const CLOSED_WHILE_SENDING = new Set([
  "EPIPE",
  "ERR_STREAM_WRITE_AFTER_END",
  "ERR_STREAM_DESTROYED",
]);

/** WhereTo names the target in words: the host as configured and the port. */
export interface WhereTo {
  readonly host: string;
  readonly port: number;
}

/** tcpNetworkFailure turns a socket error into a failure, in the HTTP check's words. */
export function tcpNetworkFailure(err: unknown, phase: TcpPhase, where: WhereTo): Failure {
  const code = typeof err === "object" && err !== null && "code" in err ? err.code : undefined;
  if (phase === "send" && typeof code === "string" && CLOSED_WHILE_SENDING.has(code)) {
    return fail(
      CheckErrorKind.CONNECTION,
      `connection closed by the server before send was written (${code})`,
    );
  }
  return networkFailure(err, { phase: HTTP_PHASE[phase], hostname: where.host, port: where.port });
}

/**
 * timeoutFailure says where the deadline struck. An answer that came but did not contain
 * `expect` by then is an ANSWER failure, quoted, not a timeout: the peer did answer, and what
 * it said is what a person needs to fix the monitor (an SSH server waiting for the client's
 * version after its banner, say, when "220 " was expected).
 */
export function timeoutFailure(
  timeoutMs: number,
  phase: TcpPhase,
  expect: string | undefined,
  answer: string,
): Failure {
  if (phase === "reading" && expect !== undefined) {
    const wanted = showText(expect, QUOTED_CHARACTERS);
    const got = showText(answer, QUOTED_CHARACTERS);
    const words = `answer did not contain ${wanted} within ${timeoutMs} ms (got ${got})`;
    return fail(CheckErrorKind.ANSWER, words);
  }
  return fail(CheckErrorKind.TIMEOUT, `timeout after ${timeoutMs} ms (${PHASE_WORDS[phase]})`);
}

/**
 * missingAnswer is the failure of an answer that ended (the peer closed) or reached the read
 * limit without containing `expect`.
 */
export function missingAnswer(expect: string, answer: string, reason: "closed" | "full"): Failure {
  const wanted = showText(expect, QUOTED_CHARACTERS);
  if (reason === "full") {
    const limit = `${MAX_ANSWER_BYTES / 1024} KiB`;
    const got = showText(answer, QUOTED_CHARACTERS);
    return fail(
      CheckErrorKind.ANSWER,
      `the first ${limit} of the answer did not contain ${wanted} (got ${got})`,
    );
  }
  if (answer === "") {
    const words = `the server closed the connection without answering; expected ${wanted}`;
    return fail(CheckErrorKind.ANSWER, words);
  }
  const got = showText(answer, QUOTED_CHARACTERS);
  return fail(CheckErrorKind.ANSWER, `answer did not contain ${wanted} (got ${got})`);
}

/** closedFailure is a connection the peer closed, without an error, before the check was judged. */
export function closedFailure(phase: TcpPhase): Failure {
  return fail(CheckErrorKind.CONNECTION, `connection closed by the server (${PHASE_WORDS[phase]})`);
}
