import net, { type AddressInfo, type LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import {
  CheckErrorKind,
  type CheckTarget,
  CheckTargetSchema,
  TcpSpecSchema,
} from "../../../gen/pulsar/v1/check_pb.js";
import { sumOfPhases } from "../../../test/support/check-timings.js";
import { closedPort } from "../../../test/support/targets.js";
import { runTcpCheck } from "./tcp-run.js";

/** TcpServer is a server a test starts on 127.0.0.1, port 0, with what it saw. */
interface TcpServer {
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  /** Connections still open. */
  open(): number;
  /** Everything received, on all connections. */
  received(): string;
  close(): Promise<void>;
}

const servers: TcpServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** startServer listens on 127.0.0.1 and hands each accepted socket to `onSocket`. */
async function startServer(onSocket: (socket: net.Socket) => void = () => {}): Promise<TcpServer> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let received = "";
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {}); // the check resets connections it is done with
    socket.on("data", (data) => {
      received += data.toString("utf8");
    });
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const result: TcpServer = {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    open: () => sockets.size,
    received: () => received,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  servers.push(result);
  return result;
}

/** banner sends `text` as soon as a connection is accepted, and keeps the connection open. */
const banner = (text: string) => (socket: net.Socket) => socket.write(text);

function tcpTarget(
  port: number,
  spec: { host?: string; send?: string; expect?: string } = {},
  timeoutMs = 5000,
): CheckTarget {
  const tcp = create(TcpSpecSchema, { host: "127.0.0.1", port, ...spec });
  return create(CheckTargetSchema, { tcp, timeoutMs });
}

/** fakeLookup resolves every name to 127.0.0.1 after `delayMs`, as a resolver would. */
function fakeLookup(delayMs: number, asked: string[] = []): LookupFunction {
  return (hostname, options, callback) => {
    asked.push(hostname);
    setTimeout(() => {
      if (options.all === true) callback(null, [{ address: "127.0.0.1", family: 4 }]);
      else callback(null, "127.0.0.1", 4);
    }, delayMs);
  };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("connecting", () => {
  it("is up when the connection is accepted, and closes it at once", async () => {
    const server = await startServer();
    const result = await runTcpCheck(tcpTarget(server.port));
    expect(result.up, result.error).toBe(true);
    expect(result.errorKind).toBe(CheckErrorKind.UNSPECIFIED);
    expect(result.remoteAddress).toBe("127.0.0.1");
    expect(result.statusCode).toBe(0);
    expect(result.answer).toBe("");
    expect(result.monitorId).toBe("");
    expect(result.region).toBe("");
    expect(result.checkedAt).toBeDefined();
    const timing = result.timing;
    expect(timing?.connectMs).toBeGreaterThan(0);
    expect(timing?.dnsMs).toBe(0);
    expect(timing?.ttfbMs).toBe(0);
    expect(timing?.downloadMs).toBe(0);
    expect(Math.abs(sumOfPhases(timing) - (timing?.totalMs ?? 0))).toBeLessThan(0.001);
    await wait(50);
    expect(server.connections()).toBe(1);
    expect(server.open()).toBe(0);
  });

  it("reports a refused connection", async () => {
    const port = await closedPort();
    const result = await runTcpCheck(tcpTarget(port));
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.CONNECTION_REFUSED);
    expect(result.error).toBe(`connection refused by 127.0.0.1:${port}`);
  });

  it("resolves a name through the lookup it is given, timing the DNS phase", async () => {
    const server = await startServer();
    const asked: string[] = [];
    const target = tcpTarget(server.port, { host: "tcp.test" });
    const result = await runTcpCheck(target, { lookup: fakeLookup(30, asked) });
    expect(result.up, result.error).toBe(true);
    expect(asked).toEqual(["tcp.test"]);
    expect(result.remoteAddress).toBe("127.0.0.1");
    expect(result.timing?.dnsMs).toBeGreaterThanOrEqual(25);
  });

  it("resolves a name with node's own lookup when none is given", async () => {
    const server = await startServer();
    const result = await runTcpCheck(tcpTarget(server.port, { host: "localhost" }));
    expect(result.up, result.error).toBe(true);
    expect(result.remoteAddress).toBe("127.0.0.1");
  });

  it("reports a name that does not resolve as a DNS failure", async () => {
    const notFound: LookupFunction = (hostname, _options, callback) => {
      const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: "ENOTFOUND",
      });
      process.nextTick(() => callback(err, "", 0));
    };
    const result = await runTcpCheck(tcpTarget(1, { host: "nowhere.test" }), { lookup: notFound });
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.DNS);
    expect(result.error).toBe("DNS lookup failed for nowhere.test (ENOTFOUND)");
  });

  it("refuses a target outside the address policy without connecting", async () => {
    const server = await startServer();
    const literal = await runTcpCheck(tcpTarget(server.port, { send: "x" }), {
      blockPrivateTargets: true,
    });
    expect(literal.up).toBe(false);
    expect(literal.errorKind).toBe(CheckErrorKind.BLOCKED);
    expect(literal.error).toBe(
      "blocked: 127.0.0.1 is a loopback address (PULSAR_BLOCK_PRIVATE_TARGETS is on)",
    );
    const named = await runTcpCheck(tcpTarget(server.port, { host: "inside.test", send: "x" }), {
      lookup: fakeLookup(0),
      addressPolicy: (address) => (address.startsWith("127.") ? "loopback" : undefined),
    });
    expect(named.errorKind).toBe(CheckErrorKind.BLOCKED);
    expect(named.error).toBe(
      "blocked: inside.test resolves to 127.0.0.1; loopback (PULSAR_BLOCK_PRIVATE_TARGETS is on)",
    );
    await wait(50);
    expect(server.connections()).toBe(0);
  });

  it("refuses a target that is not a TCP one, without throwing", async () => {
    const noSpec = await runTcpCheck(create(CheckTargetSchema, { url: "https://example.com" }));
    expect(noSpec.up).toBe(false);
    expect(noSpec.error).toBe("invalid TCP target: no TCP host and port");
    const badPort = await runTcpCheck(tcpTarget(70000));
    expect(badPort.error).toBe("invalid TCP target: port 70000 is not between 1 and 65535");
    const bigSend = await runTcpCheck(tcpTarget(1, { send: "x".repeat(4097) }));
    expect(bigSend.error).toBe("invalid TCP target: send is 4097 bytes, more than 4096");
  });
});

describe("answers", () => {
  const sshBanner = "SSH-2.0-OpenSSH_9.6\r\n";

  it("is up when a banner contains the expected text, keeping the banner as the answer", async () => {
    const server = await startServer(banner(sshBanner));
    const result = await runTcpCheck(tcpTarget(server.port, { expect: "SSH-2.0" }));
    expect(result.up, result.error).toBe(true);
    expect(result.answer).toBe(sshBanner);
    expect(result.responseBytes).toBe(BigInt(sshBanner.length));
    const timing = result.timing;
    expect(Math.abs(sumOfPhases(timing) - (timing?.totalMs ?? 0))).toBeLessThan(0.001);
  });

  it("is down when the answer lacks the expected text, quoting what came", async () => {
    const server = await startServer(banner(sshBanner));
    const result = await runTcpCheck(tcpTarget(server.port, { expect: "220 " }, 400));
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.ANSWER);
    expect(result.error).toBe(
      'answer did not contain "220 " within 400 ms (got "SSH-2.0-OpenSSH_9.6\\r\\n")',
    );
    expect(result.answer).toBe(sshBanner);
  });

  it("judges the answer as soon as the peer closes, not at the timeout", async () => {
    const server = await startServer((socket) => socket.end(sshBanner));
    const started = performance.now();
    const result = await runTcpCheck(tcpTarget(server.port, { expect: "220 " }, 10_000));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.errorKind).toBe(CheckErrorKind.ANSWER);
    expect(result.error).toBe('answer did not contain "220 " (got "SSH-2.0-OpenSSH_9.6\\r\\n")');
  });

  it("says so when the peer closes without a word", async () => {
    const server = await startServer((socket) => socket.end());
    const result = await runTcpCheck(tcpTarget(server.port, { expect: "+OK" }));
    expect(result.errorKind).toBe(CheckErrorKind.ANSWER);
    expect(result.error).toBe('the server closed the connection without answering; expected "+OK"');
  });

  it("sends its escaped text once connected and finds the reply", async () => {
    const server = await startServer((socket) => {
      socket.on("data", (data) => {
        if (data.toString("utf8").includes("PING\r\n")) socket.write("+PONG\r\n");
      });
    });
    const target = tcpTarget(server.port, { send: "PING\\r\\n", expect: "+PONG" });
    const result = await runTcpCheck(target);
    expect(result.up, result.error).toBe(true);
    expect(server.received()).toBe("PING\r\n");
    expect(result.answer).toBe("+PONG\r\n");
    expect(result.timing?.ttfbMs).toBeGreaterThan(0);
  });

  it("is up once its text is written when nothing is expected", async () => {
    const server = await startServer();
    const result = await runTcpCheck(tcpTarget(server.port, { send: "HELLO\\n" }));
    expect(result.up, result.error).toBe(true);
    await wait(50);
    expect(server.received()).toBe("HELLO\n");
  });

  it("finds expected text that straddles two chunks", async () => {
    const server = await startServer((socket) => {
      socket.setNoDelay(true);
      socket.write("SS");
      setTimeout(() => socket.write("H-2"), 40);
      setTimeout(() => socket.write(".0-OpenSSH_9.6\r\n"), 80);
    });
    const result = await runTcpCheck(tcpTarget(server.port, { expect: "SSH-2.0" }));
    expect(result.up, result.error).toBe(true);
    expect(result.answer).toBe("SSH-2.0-OpenSSH_9.6\r\n");
  });

  it("stops reading after 64 KiB of an answer without the expected text", async () => {
    let written = 0;
    const server = await startServer((socket) => {
      // Streams without end, as fast as the check reads, until the check closes.
      const block = Buffer.alloc(16 * 1024, "y");
      const pump = () => {
        while (!socket.destroyed && socket.write(block)) written += block.length;
      };
      socket.on("drain", pump);
      pump();
    });
    const result = await runTcpCheck(tcpTarget(server.port, { expect: "220 " }, 10_000));
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.ANSWER);
    expect(result.error).toBe(
      `the first 64 KiB of the answer did not contain "220 " (got "${"y".repeat(100)}…")`,
    );
    expect(result.responseBytes).toBe(64n * 1024n);
    expect(result.answer.length).toBeLessThanOrEqual(1000);
    expect(result.answer).toBe("y".repeat(1000));
    expect(written).toBeGreaterThan(0);
  });

  it("keeps an answer safe to show: control characters become U+FFFD", async () => {
    const server = await startServer(banner("+OK\u0000\u001b[2J ready\r\n"));
    const result = await runTcpCheck(tcpTarget(server.port, { expect: "ready" }));
    expect(result.up, result.error).toBe(true);
    expect(result.answer).toBe("+OK\uFFFD\uFFFD[2J ready\r\n");
  });
});

describe("deadlines", () => {
  it("times out on a peer that accepts but never answers, and closes the connection", async () => {
    const server = await startServer();
    const result = await runTcpCheck(tcpTarget(server.port, { expect: "SSH-2.0" }, 300));
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.TIMEOUT);
    expect(result.error).toBe("timeout after 300 ms (waiting for the answer)");
    const total = result.timing?.totalMs ?? 0;
    expect(total).toBeGreaterThanOrEqual(295);
    expect(total).toBeLessThan(3000);
    expect(result.answer).toBe("");
    await wait(50);
    expect(server.open()).toBe(0);
  });

  it("stops at once, down, when its signal aborts", async () => {
    const server = await startServer();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const target = tcpTarget(server.port, { expect: "never" }, 10_000);
    const result = await runTcpCheck(target, { signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.up).toBe(false);
    expect(result.error).toBe("check cancelled");
    await wait(50);
    expect(server.open()).toBe(0);
  });

  it("does not connect when its signal was aborted before it started", async () => {
    const server = await startServer();
    const result = await runTcpCheck(tcpTarget(server.port), { signal: AbortSignal.abort() });
    expect(result.error).toBe("check cancelled");
    await wait(50);
    expect(server.connections()).toBe(0);
  });

  it("leaves no timer behind, whichever way it ends", async () => {
    const server = await startServer(banner("hello\r\n"));
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    await wait(100); // whatever earlier tests left running ends first
    const before = timers();
    await runTcpCheck(tcpTarget(server.port, { expect: "hello" }));
    await runTcpCheck(tcpTarget(server.port, { expect: "bye" }, 200));
    await runTcpCheck(tcpTarget(await closedPort()));
    expect(timers()).toBe(before);
  });
});
