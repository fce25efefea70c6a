import http, { type IncomingMessage, type Server } from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "../../test/support/eventually.js";
import { createRequestGuard, SERVER_TIMEOUTS } from "./request-limits.js";

const MB = 1024 * 1024;
/**
 * What a connection may have read of a 200 MB body before reading stopped: what arrived while
 * the answer was being decided. It depends on the runtime's read-ahead (64 KiB on Node 20,
 * 3.9–4.2 MiB on Node 24, measured here) and the machine's load, never on the body's size.
 */
const READ_BEFORE_STOPPING = 16 * MB;
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/**
 * serve listens with the guard (1 KiB everywhere, 4 KiB under /big/) in front of a handler that
 * reads the whole body; `seen` holds each request that reached the handler, and `closed` the
 * bytes each connection had read from its client when it closed.
 */
async function serve() {
  const seen: { url: string; bytes: number }[] = [];
  const closed: number[] = [];
  const guard = createRequestGuard((path) =>
    path.startsWith("/big/")
      ? { maxBytes: 4096, setting: "BIG_LIMIT" }
      : { maxBytes: 1024, setting: "SMALL_LIMIT" },
  );
  const server = http.createServer(SERVER_TIMEOUTS, (req, res) => {
    if (guard(req, res)) return;
    // As Connect does at its read limit: answer without reading the rest.
    if (req.url === "/early") return void res.end("enough");
    let bytes = 0;
    req.on("data", (chunk: Buffer) => (bytes += chunk.length));
    req.on("end", () => {
      seen.push({ url: req.url ?? "", bytes });
      res.end("read");
    });
  });
  server.on("connection", (socket) => socket.on("close", () => closed.push(socket.bytesRead)));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, seen, closed };
}

/**
 * send POSTs `bytes` bytes, declared (or chunked: no Content-Length), writing as fast as the
 * connection takes them.
 */
function send(port: number, path: string, bytes: number, chunked = false) {
  return new Promise<{ res: IncomingMessage; body: string }>((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1",
      port,
      path,
      method: "POST",
      headers: chunked ? {} : { "content-length": bytes },
    });
    let answered = false;
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ res, body }));
    });
    const piece = Buffer.alloc(Math.min(bytes, 256 * 1024), 0x61);
    let left = bytes;
    const write = () => {
      while (left > 0) {
        const size = Math.min(left, piece.length);
        left -= size;
        if (!req.write(piece.subarray(0, size))) return void req.once("drain", write);
      }
      req.end();
    };
    write();
  });
}

describe("the request guard", () => {
  it("lets a declared body within its path's limit through to the handler", async () => {
    const { port, seen } = await serve();
    expect((await send(port, "/rpc", 1024)).body).toBe("read");
    expect((await send(port, "/big/rpc", 4096)).body).toBe("read");
    expect(seen).toEqual([
      { url: "/rpc", bytes: 1024 },
      { url: "/big/rpc", bytes: 4096 },
    ]);
  });

  it("refuses a declared body over its path's limit with 413 naming the limit and its setting", async () => {
    const { port, seen } = await serve();
    const { res, body } = await send(port, "/rpc?x=1", 1025);
    expect(res.statusCode).toBe(413);
    expect(res.headers.connection).toBe("close");
    expect(res.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(body)).toEqual({
      code: "resource_exhausted",
      message: "request body of 1025 bytes is over the limit of 1024 bytes (SMALL_LIMIT)",
    });
    const big = await send(port, "/big/rpc", 4097);
    expect(JSON.parse(big.body).message).toContain("limit of 4096 bytes (BIG_LIMIT)");
    expect(seen).toEqual([]);
  });

  it("answers a client still sending 200 MB, reads little of it, and closes within seconds", async () => {
    const { port, closed } = await serve();
    const started = Date.now();
    const { res } = await send(port, "/rpc", 200 * MB);
    expect(res.statusCode).toBe(413);
    // The connection is cut a second after the answer (the client never stops sending).
    await eventually(() => closed.length > 0, {
      what: "the server to close the connection",
      timeoutMs: 10_000,
    });
    expect(closed).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    // What was read before reading stopped, not the body.
    expect(closed[0]).toBeLessThan(READ_BEFORE_STOPPING);
  });
});

describe("a chunked request answered before its body was read", () => {
  it("is told Connection: close, and its connection is closed, not drained", async () => {
    const { port, closed } = await serve();
    const { res, body } = await send(port, "/early", 200 * MB, true);
    expect(res.statusCode).toBe(200);
    expect(body).toBe("enough");
    expect(res.headers.connection).toBe("close");
    await eventually(() => closed.length > 0, {
      what: "the server to close the connection",
      timeoutMs: 10_000,
    });
    expect(closed).toHaveLength(1);
    expect(closed[0]).toBeLessThan(READ_BEFORE_STOPPING);
  });

  it("leaves connections with declared bodies within the limit open for the next request", async () => {
    const { port, closed, seen } = await serve();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (const path of ["/rpc", "/early", "/rpc"]) {
        await new Promise<void>((resolve, reject) => {
          const req = http.request(
            { host: "127.0.0.1", port, path, method: "POST", agent },
            (res) => {
              expect(res.headers.connection).toBe("keep-alive");
              res.resume().on("end", resolve);
            },
          );
          req.on("error", reject);
          req.end("x".repeat(1000));
        });
      }
      expect(seen.map((r) => r.url)).toEqual(["/rpc", "/rpc"]);
      expect(closed).toEqual([]);
    } finally {
      agent.destroy();
    }
  });
});

describe("SERVER_TIMEOUTS", () => {
  it("cuts off a client that trickles its headers, within seconds of headersTimeout", async () => {
    const { port } = await serve();
    const socket = net.connect(port, "127.0.0.1");
    let answer = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => (answer += chunk));
    socket.on("error", () => {});
    const started = Date.now();
    // A header byte every second: never complete, never idle long enough for a socket timeout.
    socket.write("POST /rpc HTTP/1.1\r\nHost: x\r\n");
    const trickle = setInterval(() => socket.write("X"), 1000);
    await new Promise((resolve) => socket.once("close", resolve));
    clearInterval(trickle);
    const elapsed = Date.now() - started;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(elapsed).toBeGreaterThanOrEqual(Number(SERVER_TIMEOUTS.headersTimeout) - 500);
    expect(elapsed).toBeLessThan(Number(SERVER_TIMEOUTS.headersTimeout) + 5000);
  }, 30_000);
});
