import { CheckErrorKind, type CheckTarget } from "../../../gen/pulsar/v1/check_pb.js";
import { type Failure, fail } from "../http/errors.js";
import { decodeEscapes } from "./escapes.js";

/** MAX_SEND_BYTES bounds what a TCP check writes: `send` after decoding, in UTF-8 bytes. */
export const MAX_SEND_BYTES = 4096;

/** MAX_EXPECT_BYTES bounds what a TCP check looks for: `expect` after decoding, in UTF-8 bytes. */
export const MAX_EXPECT_BYTES = 1000;

/** TcpPlan is a TcpSpec read and checked: what one TCP check dials, writes and looks for. */
export interface TcpPlan {
  /** A name or a bare IP address (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** The bytes written once connected; undefined when `send` is unset or empty. */
  readonly send: Buffer | undefined;
  /** The text the answer must contain; undefined when `expect` is unset or empty. */
  readonly expect: string | undefined;
}

/**
 * tcpPlan reads `target.tcp`, decoding the escapes of send and expect, or returns the failure
 * of a target no check can run. The API validates monitors before they are saved; this is the
 * check's own guard, for jobs written by older code or by hand, since the check never throws.
 */
export function tcpPlan(target: CheckTarget): TcpPlan | Failure {
  const spec = target.tcp;
  if (spec === undefined) return invalid("no TCP host and port");
  // Brackets are no part of an IPv6 address; tolerated here so that "[::1]" still dials.
  const host = /^\[.*\]$/.test(spec.host) ? spec.host.slice(1, -1) : spec.host;
  if (host === "" || host.length > 253) return invalid("host must be 1–253 characters");
  if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) {
    return invalid(`port ${spec.port} is not between 1 and 65535`);
  }
  const send = spec.send === undefined ? "" : decodeEscapes(spec.send);
  const sendBytes = Buffer.from(send, "utf8");
  if (sendBytes.length > MAX_SEND_BYTES) {
    return invalid(`send is ${sendBytes.length} bytes, more than ${MAX_SEND_BYTES}`);
  }
  const expect = spec.expect === undefined ? "" : decodeEscapes(spec.expect);
  const expectBytes = Buffer.byteLength(expect, "utf8");
  if (expectBytes > MAX_EXPECT_BYTES) {
    return invalid(`expect is ${expectBytes} bytes, more than ${MAX_EXPECT_BYTES}`);
  }
  return {
    host,
    port: spec.port,
    tls: spec.tls,
    send: sendBytes.length > 0 ? sendBytes : undefined,
    expect: expect !== "" ? expect : undefined,
  };
}

/** isPlan tells a plan from the failure tcpPlan returns instead. */
export function isPlan(value: TcpPlan | Failure): value is TcpPlan {
  return "host" in value;
}

function invalid(words: string): Failure {
  return fail(CheckErrorKind.UNSPECIFIED, `invalid TCP target: ${words}`);
}
