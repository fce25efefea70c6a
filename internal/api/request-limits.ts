import type { IncomingMessage, ServerOptions, ServerResponse } from "node:http";
import { Socket } from "node:net";

/** DEFAULT_MAX_REQUEST_BYTES is PULSAR_MAX_REQUEST_BYTES's default: 256 KiB per request body. */
export const DEFAULT_MAX_REQUEST_BYTES = 256 * 1024;

/**
 * BodyLimit is the largest request body one path reads, counted after decompression, and the
 * setting (or constant) a refusal names so that an operator knows what to raise.
 */
export interface BodyLimit {
  maxBytes: number;
  setting: string;
}

/**
 * RequestGuard answers a request itself (and returns true) when it must not reach a handler;
 * false lets it through.
 */
export type RequestGuard = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * createRequestGuard refuses a request whose declared Content-Length is over its path's limit
 * before a byte of its body is read: HTTP 413 with a Connect-shaped error
 * (`{"code":"resource_exhausted","message":…}`) and `Connection: close`. Other requests go
 * through; Connect's readMaxBytes, set to the same limits, stops reading a body of undeclared
 * length (chunked) at the limit and bounds decompression there too (see app.ts).
 *
 * What a handler leaves unread Node drains, to keep the connection: harmless for a declared
 * length within the limit, endless for a chunked body whose sender goes on. So a connection
 * that carried a chunked body is told `Connection: close` in the answer, and closed without
 * reading the rest, as is one refused here (see closeUnread).
 */
export function createRequestGuard(limitFor: (path: string) => BodyLimit): RequestGuard {
  const lingering = { count: 0 };
  return (req, res) => {
    const declared = req.headers["content-length"];
    if (declared === undefined) {
      if (req.headers["transfer-encoding"] !== undefined) {
        res.shouldKeepAlive = false;
        closeWithoutDraining(req, lingering);
      }
      return false;
    }
    // Node's parser accepts only digits in Content-Length; were it not a number, Connect
    // would refuse it.
    const bytes = Number(declared);
    const { maxBytes, setting } = limitFor(req.url?.split("?")[0] ?? "");
    if (!(bytes > maxBytes)) return false;
    const body = JSON.stringify({
      code: "resource_exhausted",
      message: `request body of ${bytes} bytes is over the limit of ${maxBytes} bytes (${setting})`,
    });
    closeWithoutDraining(req, lingering);
    res.writeHead(413, {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
      connection: "close",
    });
    res.end(body);
    return true;
  };
}

/**
 * closeWithoutDraining changes how Node closes this request's connection after an answer that
 * says `Connection: close`: Node ends the socket and destroys it once the answer is written
 * (destroySoon); with the body still arriving, closeUnread instead.
 */
function closeWithoutDraining(req: IncomingMessage, lingering: { count: number }): void {
  const socket = req.socket;
  socket.destroySoon = () => {
    if (req.complete) Socket.prototype.destroySoon.call(socket);
    else closeUnread(req, socket, lingering);
  };
}

/** How long a refused client has to read its answer before its connection is cut. */
const LINGER_MS = 1000;
/**
 * Connections lingering at once, at most: each holds a socket and a read buffer (~100 KB).
 * Past it (a flood) a connection is destroyed at once: memory stays bounded, and only the
 * courtesy to a sender in the middle of its body is lost.
 */
const MAX_LINGERING = 64;

/**
 * closeUnread closes a connection whose request body is still arriving, once its answer is
 * written. Destroying it at once (Node's way with Connection: close) sends a TCP reset, as
 * unread bytes remain, and a client still writing may lose the answer it was sent. Instead:
 * stop reading (the rest is neither read nor drained; the sender stalls once the buffers are
 * full), end our side, and destroy the socket a moment later, or as soon as the client closes.
 */
function closeUnread(req: IncomingMessage, socket: Socket, lingering: { count: number }): void {
  if (socket.destroyed) return;
  if (lingering.count >= MAX_LINGERING) {
    socket.destroy();
    return;
  }
  lingering.count += 1;
  req.pause();
  socket.end();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once("close", () => {
    clearTimeout(timer);
    lingering.count -= 1;
  });
}

/**
 * SERVER_TIMEOUTS are the HTTP server's own limits against slow senders, for
 * `http.createServer(SERVER_TIMEOUTS, handler)` in cmd/api. Node's defaults let a client hold a
 * connection 60 s before its headers are complete and 300 s before its body is, and check them
 * only every 30 s.
 */
export const SERVER_TIMEOUTS: Readonly<ServerOptions> = Object.freeze({
  // Headers arrive in one packet or two from any honest client.
  headersTimeout: 10_000,
  // The whole request, body included: an agent's largest push (8 MiB) at ~1.1 Mbit/s.
  requestTimeout: 60_000,
  // Node's default; said here so that it stays below any proxy's idle timeout in front.
  keepAliveTimeout: 5_000,
  // How often the two timeouts above are enforced (Node's default 30 s makes 10 s mean 40 s).
  connectionsCheckingInterval: 1_000,
});
