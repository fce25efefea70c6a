import type { AddressInfo, LookupFunction } from "node:net";
import net from "node:net";
import tls from "node:tls";
import { create } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { afterEach, describe, expect, it } from "vitest";
import {
  CheckErrorKind,
  type CheckTarget,
  CheckTargetSchema,
  TcpSpecSchema,
} from "../../../gen/pulsar/v1/check_pb.js";
import { sumOfPhases } from "../../../test/support/check-timings.js";
import { tlsFixture } from "../../../test/support/targets.js";
import { runTcpCheck } from "./tcp-run.js";

/** The fixtures are valid for 100 years: anything beyond 2100 is theirs. */
const YEAR_2100_MS = Date.UTC(2100, 0, 1);
const ca = tlsFixture("ca.crt");

/** TlsServer is a TLS server a test starts on 127.0.0.1, port 0, with what it saw. */
interface TlsServer {
  readonly port: number;
  /** The SNI name of each handshake that completed (false when none was sent). */
  readonly servernames: (string | false | null)[];
  /** Bytes received after handshakes, on all connections. */
  received(): string;
}

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/**
 * startTlsServer serves the fixture `name` (.key/.crt) and answers "+PONG\r\n" to "PING\r\n";
 * it sends nothing unprompted.
 */
async function startTlsServer(name: "self-signed" | "leaf" | "wrong-name"): Promise<TlsServer> {
  const sockets = new Set<net.Socket>();
  const servernames: (string | false | null)[] = [];
  let received = "";
  const server = tls.createServer(
    { key: tlsFixture(`${name}.key`), cert: tlsFixture(`${name}.crt`) },
    (socket) => {
      servernames.push(socket.servername);
      socket.on("data", (data) => {
        received += data.toString("utf8");
        if (received.endsWith("PING\r\n")) socket.write("+PONG\r\n");
      });
      socket.on("error", () => {});
    },
  );
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // A check that refuses the certificate drops the handshake; that is the server's problem.
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    port: (server.address() as AddressInfo).port,
    servernames,
    received: () => received,
  };
}

function tlsTarget(
  port: number,
  spec: { host?: string; send?: string; expect?: string } = {},
  ignoreTlsErrors = false,
): CheckTarget {
  const tcp = create(TcpSpecSchema, { host: "127.0.0.1", port, tls: true, ...spec });
  return create(CheckTargetSchema, { tcp, timeoutMs: 5000, ignoreTlsErrors });
}

/** toLoopback resolves every name to 127.0.0.1. */
const toLoopback: LookupFunction = (_hostname, options, callback) => {
  process.nextTick(() => {
    if (options.all === true) callback(null, [{ address: "127.0.0.1", family: 4 }]);
    else callback(null, "127.0.0.1", 4);
  });
};

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("TCP over TLS", () => {
  it("is up with a certificate from a trusted CA, reporting its expiry and issuer", async () => {
    const server = await startTlsServer("leaf");
    const result = await runTcpCheck(tlsTarget(server.port), { ca });
    expect(result.up, result.error).toBe(true);
    expect(result.tlsCertIssuer).toBe("Pulsar Test CA");
    const expiresAt = result.tlsCertExpiresAt;
    expect(expiresAt).toBeDefined();
    if (expiresAt) expect(timestampMs(expiresAt)).toBeGreaterThan(YEAR_2100_MS);
    const timing = result.timing;
    expect(timing?.tlsMs).toBeGreaterThan(0);
    expect(timing?.ttfbMs).toBe(0);
    expect(Math.abs(sumOfPhases(timing) - (timing?.totalMs ?? 0))).toBeLessThan(0.001);
  });

  it("is up with a self-signed certificate passed as the CA", async () => {
    const server = await startTlsServer("self-signed");
    const result = await runTcpCheck(tlsTarget(server.port), { ca: tlsFixture("self-signed.crt") });
    expect(result.up, result.error).toBe(true);
    expect(result.tlsCertIssuer).toBe("Pulsar Test Self-Signed");
  });

  it("is down on an untrusted certificate, still reading it, and sends nothing", async () => {
    const server = await startTlsServer("self-signed");
    const result = await runTcpCheck(tlsTarget(server.port, { send: "PING\\r\\n" }));
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.TLS);
    expect(result.error).toBe("TLS error: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)");
    expect(result.tlsCertIssuer).toBe("Pulsar Test Self-Signed");
    expect(result.tlsCertExpiresAt).toBeDefined();
    await wait(50);
    expect(server.received()).toBe("");
  });

  it("accepts an untrusted certificate with ignoreTlsErrors and still reports it", async () => {
    const server = await startTlsServer("self-signed");
    const result = await runTcpCheck(tlsTarget(server.port, {}, true));
    expect(result.up, result.error).toBe(true);
    expect(result.tlsCertIssuer).toBe("Pulsar Test Self-Signed");
    const expiresAt = result.tlsCertExpiresAt;
    expect(expiresAt).toBeDefined();
    if (expiresAt) expect(timestampMs(expiresAt)).toBeGreaterThan(YEAR_2100_MS);
  });

  it("rejects a trusted certificate issued for another name", async () => {
    const server = await startTlsServer("wrong-name");
    const result = await runTcpCheck(tlsTarget(server.port), { ca });
    expect(result.errorKind).toBe(CheckErrorKind.TLS);
    expect(result.error).toBe(
      "TLS error: certificate does not name 127.0.0.1; it names DNS:pulsar.invalid (HOSTNAME_MISMATCH)",
    );
  });

  it("sends the host name as SNI, and no SNI for an IP address", async () => {
    const server = await startTlsServer("leaf");
    // An exchange makes sure the server completed its side of the handshake before the close.
    const ping = { send: "PING\\r\\n", expect: "+PONG" };
    const named = await runTcpCheck(tlsTarget(server.port, { host: "localhost", ...ping }), {
      ca,
      lookup: toLoopback,
    });
    expect(named.up, named.error).toBe(true);
    const literal = await runTcpCheck(tlsTarget(server.port, ping), { ca });
    expect(literal.up, literal.error).toBe(true);
    expect(server.servernames).toEqual(["localhost", false]);
  });

  it("sends and expects through the TLS connection", async () => {
    const server = await startTlsServer("leaf");
    const target = tlsTarget(server.port, { send: "PING\\r\\n", expect: "+PONG" });
    const result = await runTcpCheck(target, { ca });
    expect(result.up, result.error).toBe(true);
    expect(result.answer).toBe("+PONG\r\n");
    expect(server.received()).toBe("PING\r\n");
    expect(result.timing?.tlsMs).toBeGreaterThan(0);
    expect(result.timing?.ttfbMs).toBeGreaterThan(0);
  });

  it("reports a TLS error when the server does not speak TLS", async () => {
    const plain = net.createServer((socket) => {
      socket.on("error", () => {});
      socket.resume(); // reads the ClientHello away, so the client's close is seen
      socket.end("SSH-2.0-OpenSSH_9.6\r\n");
    });
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => plain.close(() => resolve())));
    const port = (plain.address() as AddressInfo).port;
    const result = await runTcpCheck(tlsTarget(port, { expect: "SSH-2.0" }), { ca });
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.TLS);
    expect(result.error).toMatch(/^TLS error: /);
    expect(result.answer).toBe("");
  });
});
