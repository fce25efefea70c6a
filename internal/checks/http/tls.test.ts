import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import {
  checkTarget,
  startHttpsTarget,
  type TestTarget,
  tlsFixture,
} from "../../../test/support/targets.js";
import { runCheck } from "./run-check.js";

let selfSigned: TestTarget;
let caSigned: TestTarget;
let wrongName: TestTarget;
const ca = tlsFixture("ca.crt");
/** The fixtures are valid for 100 years: anything beyond 2100 is theirs. */
const YEAR_2100_MS = Date.UTC(2100, 0, 1);

beforeAll(async () => {
  [selfSigned, caSigned, wrongName] = await Promise.all([
    startHttpsTarget("self-signed"),
    startHttpsTarget("ca-signed"),
    startHttpsTarget("wrong-name"),
  ]);
});

afterAll(async () => {
  await Promise.all([selfSigned.close(), caSigned.close(), wrongName.close()]);
});

describe("TLS", () => {
  it("marks a check down when TLS fails without ignoreTlsErrors, still reading the cert", async () => {
    const result = await runCheck(checkTarget(`${selfSigned.url}/ok`));
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.TLS);
    expect(result.error).toBe("TLS error: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)");
    expect(result.statusCode).toBe(0);
    expect(result.tlsCertIssuer).toBe("Pulsar Test Self-Signed");
    expect(result.tlsCertExpiresAt).toBeDefined();
    // The verdict came before the request was written: the server never saw one.
    expect(selfSigned.requestsReceived()).toBe(0);
  });

  it("accepts a self-signed certificate with ignoreTlsErrors and reports its details", async () => {
    const result = await runCheck(checkTarget(`${selfSigned.url}/ok`, { ignoreTlsErrors: true }));
    expect(result.up, result.error).toBe(true);
    expect(result.statusCode).toBe(200);
    expect(result.timing?.tlsMs).toBeGreaterThan(0);
    expect(result.tlsCertIssuer).toBe("Pulsar Test Self-Signed");
    const expiresAt = result.tlsCertExpiresAt;
    expect(expiresAt).toBeDefined();
    if (expiresAt) expect(timestampMs(expiresAt)).toBeGreaterThan(YEAR_2100_MS);
  });

  it("trusts a certificate from a CA given in the options, naming the issuer's organisation", async () => {
    const result = await runCheck(checkTarget(`${caSigned.localhostUrl}/ok`), { ca });
    expect(result.up, result.error).toBe(true);
    expect(result.tlsCertIssuer).toBe("Pulsar Test CA");
    expect(result.timing?.tlsMs).toBeGreaterThan(0);
  });

  it("rejects a trusted certificate issued for another name", async () => {
    const result = await runCheck(checkTarget(`${wrongName.url}/ok`), { ca });
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.TLS);
    expect(result.error).toBe(
      "TLS error: certificate does not name 127.0.0.1; it names DNS:pulsar.invalid (HOSTNAME_MISMATCH)",
    );
    expect(result.tlsCertIssuer).toBe("Pulsar Test CA");
  });

  it("pays a full handshake on every check: no TLS session is resumed", async () => {
    for (let i = 0; i < 3; i++) {
      // The route answers "session: resumed" when the server resumed the TLS session.
      const target = checkTarget(`${caSigned.url}/tls-session`, { keyword: "session: fresh" });
      const result = await runCheck(target, { ca });
      expect(result.up, result.error).toBe(true);
    }
  });

  it("reports a dropped connection when plain HTTP reaches a TLS port", async () => {
    const result = await runCheck(checkTarget(`${caSigned.url.replace("https:", "http:")}/ok`));
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.CONNECTION);
    expect(result.error).toContain("connection closed by the server");
  });

  it("names the host in SNI (never an IP literal) and offers HTTP/1.1 in ALPN", async () => {
    const seen: { servername: string | false | null; alpn: string | false | null }[] = [];
    const server = createServer(
      { key: tlsFixture("leaf.key"), cert: tlsFixture("leaf.crt"), ALPNProtocols: ["http/1.1"] },
      (request, response) => {
        const socket = request.socket as TLSSocket;
        seen.push({ servername: socket.servername, alpn: socket.alpnProtocol });
        response.end();
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const byName = await runCheck(checkTarget(`https://localhost:${port}/`), { ca });
      const byAddress = await runCheck(checkTarget(`https://127.0.0.1:${port}/`), { ca });
      expect(byName.up, byName.error).toBe(true);
      expect(byAddress.up, byAddress.error).toBe(true);
      expect(seen).toEqual([
        { servername: "localhost", alpn: "http/1.1" },
        { servername: false, alpn: "http/1.1" },
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
