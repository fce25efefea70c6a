import { describe, expect, it } from "vitest";
import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import { type FailureContext, networkFailure } from "./errors.js";
import { tlsVerifyError } from "./tls-info.js";

const at = (phase: FailureContext["phase"]): FailureContext => ({
  phase,
  hostname: "example.com",
  port: 443,
});

function errno(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code} message`), { code, ...extra });
}

describe("networkFailure", () => {
  it("names the first cause of a happy-eyeballs AggregateError", () => {
    const both = new AggregateError([
      errno("ECONNREFUSED", { address: "::1", port: 8081 }),
      errno("ECONNREFUSED", { address: "127.0.0.1", port: 8081 }),
    ]);
    expect(networkFailure(both, at("connect"))).toEqual({
      kind: CheckErrorKind.CONNECTION_REFUSED,
      error: "connection refused by [::1]:8081",
    });
  });

  it("blames TLS for a reset during the handshake and the server for one after", () => {
    expect(networkFailure(errno("ECONNRESET"), at("tls")).kind).toBe(CheckErrorKind.TLS);
    expect(networkFailure(errno("ECONNRESET"), at("body"))).toEqual({
      kind: CheckErrorKind.CONNECTION,
      error: "connection reset by the server (ECONNRESET)",
    });
  });

  it("words certificate verdicts and parser errors", () => {
    const expired = tlsVerifyError("CERT_HAS_EXPIRED", undefined, "example.com");
    expect(networkFailure(expired, at("response")).error).toBe(
      "TLS error: certificate has expired (CERT_HAS_EXPIRED)",
    );
    const parse = errno("HPE_INVALID_CONSTANT");
    expect(networkFailure(parse, at("response")).kind).toBe(CheckErrorKind.PROTOCOL);
  });
});
