import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import net from "node:net";
import type { TLSSocket } from "node:tls";
import { fileURLToPath } from "node:url";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { type CheckTarget, CheckTargetSchema } from "../../gen/pulsar/v1/check_pb.js";

/**
 * TestTarget is a local HTTP(S) server for check tests and benchmarks, on 127.0.0.1 and a
 * port of its own. Routes (all GET-able; query parameters are optional):
 * - `/ok` → 200 "ok"; `/status/<code>` → that status with a short body
 * - `/delay?headers=ms&body=ms&chunks=n` → headers sent after `headers` ms, then the body
 *   trickled in `chunks` (default 5) equal pieces spread over `body` ms
 * - `/redirect?n=3&status=302&to=/ok` → n redirects in a row (relative Location), the last to `to`
 * - `/loop` → 302 to itself forever
 * - `/large?bytes=n&keyword=w&at=offset` → n bytes of "a", with `w` written at `offset`
 * - `/page` → a small HTML page containing {@link PAGE_KEYWORD}
 * - `/echo` → 200 with body "<METHOD> <request body>"
 * - `/tls-session` → "session: fresh", "session: resumed" (TLS resumed) or "session: none"
 * - `/hang` → never answers (the connection stays open until close())
 */
export interface TestTarget {
  /** Origin with the IP literal, e.g. `http://127.0.0.1:40123`; append a route. */
  readonly url: string;
  /** Same origin spelled `localhost`, so a check exercises DNS. */
  readonly localhostUrl: string;
  readonly port: number;
  /** Counts the connections the server holds open right now. */
  openConnections(): Promise<number>;
  /** Counts the HTTP requests the server has received since it started. */
  requestsReceived(): number;
  /** Closes the server and every connection still open (hanging routes included). */
  close(): Promise<void>;
}

/** PAGE_KEYWORD is a phrase the `/page` route always contains. */
export const PAGE_KEYWORD = "Pulsar keeps watch";

/** TLS_FIXTURES_DIR holds the committed test certificates (see its generate.sh). */
export const TLS_FIXTURES_DIR = fileURLToPath(new URL("../fixtures/tls/", import.meta.url));

/** tlsFixture reads one file of {@link TLS_FIXTURES_DIR}, e.g. `tlsFixture("ca.crt")`. */
export function tlsFixture(name: string): Buffer {
  return readFileSync(TLS_FIXTURES_DIR + name);
}

/** startHttpTarget starts a plain HTTP {@link TestTarget}. */
export function startHttpTarget(): Promise<TestTarget> {
  return listen(http.createServer(), "http");
}

/**
 * startHttpsTarget starts an HTTPS {@link TestTarget} whose certificate is self-signed
 * (rejected unless ignoreTlsErrors), signed by the fixture CA (trusted when the check is given
 * `ca: tlsFixture("ca.crt")`), both for localhost and 127.0.0.1, or signed by that CA for
 * another name only ("wrong-name": a hostname mismatch even with the CA trusted).
 */
export function startHttpsTarget(
  cert: "self-signed" | "ca-signed" | "wrong-name" = "self-signed",
): Promise<TestTarget> {
  const name = cert === "ca-signed" ? "leaf" : cert;
  const server = https.createServer({
    key: tlsFixture(`${name}.key`),
    cert: tlsFixture(`${name}.crt`),
  });
  return listen(server, "https");
}

/**
 * checkTarget builds a CheckTarget for `url` as a monitor would: GET, 5 s timeout, defaults
 * for the rest; `init` overrides any field.
 */
export function checkTarget(
  url: string,
  init: MessageInitShape<typeof CheckTargetSchema> = {},
): CheckTarget {
  return create(CheckTargetSchema, { url, method: "GET", timeoutMs: 5000, ...init });
}

/** closedPort returns a port on 127.0.0.1 that nothing listens on (it was just freed). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function listen(server: http.Server, scheme: "http" | "https"): Promise<TestTarget> {
  let requests = 0;
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    requests += 1;
    handle(req, res);
  });
  // Benchmarks open hundreds of connections at once; the default backlog would drop some.
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    localhostUrl: `${scheme}://localhost:${port}`,
    port,
    requestsReceived: () => requests,
    openConnections: () =>
      new Promise((resolve, reject) =>
        server.getConnections((err, count) => (err ? reject(err) : resolve(count))),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const LARGE_CHUNK = Buffer.alloc(64 * 1024, "a");

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://target");
  const q = (name: string, fallback: number): number =>
    Number(url.searchParams.get(name) ?? fallback);
  const path = url.pathname;
  if (path === "/ok") {
    res.end("ok");
  } else if (path.startsWith("/status/")) {
    res.statusCode = Number(path.slice("/status/".length));
    res.end(`status ${res.statusCode}`);
  } else if (path === "/delay") {
    delayed(res, q("headers", 0), q("body", 0), Math.max(1, q("chunks", 5)));
  } else if (path === "/redirect") {
    const n = q("n", 1);
    const to = url.searchParams.get("to") ?? "/ok";
    url.searchParams.set("n", String(n - 1));
    const location = n <= 1 ? to : `/redirect${url.search}`;
    res.writeHead(q("status", 302), { location }).end("redirecting");
  } else if (path === "/loop") {
    res.writeHead(302, { location: "/loop" }).end();
  } else if (path === "/large") {
    large(res, q("bytes", 0), url.searchParams.get("keyword") ?? "", q("at", 0));
  } else if (path === "/page") {
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(`<!doctype html><title>Status</title><p>${PAGE_KEYWORD}.</p>`);
  } else if (path === "/echo") {
    const parts: Buffer[] = [];
    req.on("data", (chunk: Buffer) => parts.push(chunk));
    req.on("end", () => res.end(`${req.method} ${Buffer.concat(parts).toString()}`));
  } else if (path === "/tls-session") {
    const socket = req.socket as TLSSocket;
    const state = !socket.encrypted ? "none" : socket.isSessionReused() ? "resumed" : "fresh";
    res.end(`session: ${state}`);
  } else if (path !== "/hang") {
    res.statusCode = 404;
    res.end("no such route");
  }
}

function delayed(
  res: http.ServerResponse,
  headersMs: number,
  bodyMs: number,
  chunks: number,
): void {
  setTimeout(() => {
    if (res.destroyed) return;
    // Send the headers now, on their own, so a client sees its first byte at headersMs.
    res.writeHead(200, { "content-type": "text/plain" });
    res.flushHeaders();
    let sent = 0;
    const started = performance.now();
    const next = () => {
      if (res.destroyed) return;
      sent += 1;
      res.write(`chunk ${sent}\n`);
      if (sent === chunks) return void res.end();
      // Aim each chunk at its slot from the start, so timer drift does not accumulate.
      setTimeout(next, Math.max(0, started + (bodyMs * (sent + 1)) / chunks - performance.now()));
    };
    setTimeout(next, bodyMs / chunks);
  }, headersMs);
}

function large(res: http.ServerResponse, bytes: number, keyword: string, at: number): void {
  res.writeHead(200, { "content-type": "text/plain", "content-length": bytes });
  let offset = 0;
  const write = () => {
    while (offset < bytes) {
      const size = Math.min(LARGE_CHUNK.length, bytes - offset);
      let chunk = LARGE_CHUNK.subarray(0, size);
      if (keyword && at >= offset && at < offset + size) {
        chunk = Buffer.from(chunk);
        chunk.write(keyword, at - offset);
      }
      offset += size;
      if (!res.write(chunk)) return void res.once("drain", write);
    }
    res.end();
  };
  write();
}
