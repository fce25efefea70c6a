import { afterEach, describe, expect, it } from "vitest";
import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import { eventually } from "../../../test/support/eventually.js";
import {
  type HostileServer,
  startFirehoseServer,
  startSilentServer,
  startTrickleServer,
} from "../../../test/support/hostile-servers.js";
import { checkTarget } from "../../../test/support/targets.js";
import { MAX_BODY_BYTES } from "./body.js";
import { runCheck } from "./run-check.js";

// Targets that cost a worker only what it chooses to give them: each phase ends at the check's
// timeout with its socket closed, and an endless body is read only so far.

let server: HostileServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** letGo waits until the server has seen the client close every connection it accepted. */
async function letGo(target: HostileServer): Promise<void> {
  await eventually(() => target.closedByClient() >= target.accepted(), {
    what: "the check to close every connection it opened",
    intervalMs: 10,
  });
}

describe("a hostile target", () => {
  it("that accepts and never answers ends at the timeout, waiting for the response, socket closed", async () => {
    server = await startSilentServer();
    const result = await runCheck(
      checkTarget(`http://127.0.0.1:${server.port}/`, { timeoutMs: 500 }),
    );
    expect(result.errorKind).toBe(CheckErrorKind.TIMEOUT);
    expect(result.error).toBe("timeout after 500 ms (waiting for the response)");
    expect(server.accepted()).toBe(1);
    await letGo(server);
  });

  it("that never finishes the TLS handshake ends at the timeout, in the handshake, socket closed", async () => {
    server = await startSilentServer();
    const result = await runCheck(
      checkTarget(`https://127.0.0.1:${server.port}/`, { timeoutMs: 500 }),
    );
    expect(result.errorKind).toBe(CheckErrorKind.TIMEOUT);
    expect(result.error).toBe("timeout after 500 ms (in the TLS handshake)");
    await letGo(server);
  });

  it("that sends headers then trickles a body forever ends at the timeout, reading the body, socket closed", async () => {
    server = await startTrickleServer(50);
    const result = await runCheck(
      checkTarget(`http://127.0.0.1:${server.port}/`, { timeoutMs: 800 }),
    );
    expect(result.errorKind).toBe(CheckErrorKind.TIMEOUT);
    expect(result.error).toBe("timeout after 800 ms (reading the body)");
    expect(result.statusCode).toBe(200);
    expect(result.responseBytes).toBeGreaterThan(0n);
    await letGo(server);
  });

  it("that streams an endless body is read up to MAX_BODY_BYTES and judged on that, long before the timeout", async () => {
    server = await startFirehoseServer();
    const result = await runCheck(
      checkTarget(`http://127.0.0.1:${server.port}/`, { timeoutMs: 20_000, keyword: "aaaa" }),
    );
    expect(result.up, result.error).toBe(true);
    expect(result.responseBytes).toBeGreaterThanOrEqual(BigInt(MAX_BODY_BYTES));
    expect(result.responseBytes).toBeLessThan(BigInt(MAX_BODY_BYTES + 1024 * 1024));
    expect(result.timing?.totalMs).toBeLessThan(10_000);
    await letGo(server);
    const sent = server.bytesSent();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.bytesSent()).toBe(sent);
  });

  it("that streams an endless body without the keyword is down for the keyword, not a timeout", async () => {
    server = await startFirehoseServer();
    const result = await runCheck(
      checkTarget(`http://127.0.0.1:${server.port}/`, { timeoutMs: 20_000, keyword: "needle" }),
    );
    expect(result.errorKind).toBe(CheckErrorKind.KEYWORD);
    expect(result.error).toBe('keyword "needle" not found in the first 1 MiB of the body');
    await letGo(server);
  });
});
