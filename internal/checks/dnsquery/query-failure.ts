import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import { type Failure, fail } from "./failure.js";
import type { DnsRecordType } from "./record-types.js";

/** QueryContext is what the words of a failed query name. */
export interface QueryContext {
  readonly name: string;
  readonly type: DnsRecordType;
  /** The server asked ("127.0.0.1:53"), or undefined for the worker's resolvers. */
  readonly server: string | undefined;
  /** The check's timeout, which the resolver's tries are fitted into. */
  readonly timeoutMs: number;
}

/**
 * queryFailure turns a c-ares error (its `code`, never its message) into words. A name that
 * does not exist is a DNS failure here; the caller judges it first when NXDOMAIN is expected,
 * and an empty answer (ENODATA) is the caller's too.
 */
export function queryFailure(err: unknown, ctx: QueryContext): Failure {
  const code = errorCode(err);
  const from = serverWords(ctx.server);
  switch (code) {
    case "ENOTFOUND":
      return fail(CheckErrorKind.DNS, `${ctx.name} does not exist (NXDOMAIN)`);
    case "ETIMEOUT":
      // The words of the check's own timer, which this races: one failure, one wording.
      return timeoutFailure(ctx.timeoutMs, `no answer from ${from}`);
    case "ECONNREFUSED":
      return fail(CheckErrorKind.DNS, `${from} refused the connection (ECONNREFUSED)`);
    case "ESERVFAIL":
      return fail(CheckErrorKind.DNS, `${from} failed to answer for ${ctx.name} (SERVFAIL)`);
    case "EREFUSED":
      return fail(CheckErrorKind.DNS, `${from} refused the query for ${ctx.name} (REFUSED)`);
    case "ENOTIMP":
      return fail(CheckErrorKind.DNS, `${from} does not implement ${ctx.type} queries (NOTIMP)`);
    case "EFORMERR":
      return fail(CheckErrorKind.DNS, `${from} could not read the query (FORMERR)`);
    case "EBADRESP":
      return fail(CheckErrorKind.DNS, `${from} sent a malformed answer (EBADRESP)`);
    case "EBADNAME":
      return fail(CheckErrorKind.DNS, `${ctx.name} is not a valid DNS name (EBADNAME)`);
    default:
      return fail(CheckErrorKind.DNS, `DNS query for ${ctx.name} failed (${code || "no code"})`);
  }
}

/** serverWords names the server asked: "the DNS server 127.0.0.1:53", or the worker's. */
export function serverWords(server: string | undefined): string {
  return server === undefined ? "the DNS servers" : `the DNS server ${server}`;
}

/** timeoutFailure is the failure of a check that ran out of time while `waiting`. */
export function timeoutFailure(timeoutMs: number, waiting: string): Failure {
  return fail(CheckErrorKind.TIMEOUT, `timeout after ${timeoutMs} ms (${waiting})`);
}

/** errorCode reads an error's `code`, or "" when it has none. */
export function errorCode(err: unknown): string {
  if (typeof err !== "object" || err === null || !("code" in err)) return "";
  return typeof err.code === "string" ? err.code : "";
}
