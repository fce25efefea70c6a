import http from "node:http";
import net, { type AddressInfo, type Socket } from "node:net";

/**
 * HostileServer is a local server on 127.0.0.1 that misbehaves in one way (see the starters
 * below). It counts the connections it accepted and those the client closed, so a test can
 * tell that a check let go of its socket.
 */
export interface HostileServer {
  readonly port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** Connections the other side closed (or reset) so far. */
  closedByClient(): number;
  /** Bytes written to clients so far. */
  bytesSent(): number;
  /** Closes the server and every connection still open. */
  close(): Promise<void>;
}

/**
 * startSilentServer accepts TCP connections, reads whatever arrives and never writes a byte: an
 * HTTP server that never answers, or a TLS server that never finishes its handshake (the
 * ClientHello is read and ignored).
 */
export function startSilentServer(): Promise<HostileServer> {
  return track(
    net.createServer(),
    (socket) => socket.resume(),
    () => 0,
  );
}

/**
 * startTrickleServer answers HTTP at once with 200 headers, then a body of one byte every
 * `everyMs`, forever.
 */
export function startTrickleServer(everyMs = 100): Promise<HostileServer> {
  let sent = 0;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.flushHeaders();
    const timer = setInterval(() => {
      res.write("x");
      sent += 1;
    }, everyMs);
    res.on("close", () => clearInterval(timer));
  });
  return track(
    server,
    () => {},
    () => sent,
  );
}

/**
 * startFirehoseServer answers HTTP with 200 and an endless body (no content-length), written as
 * fast as the client reads it.
 */
export function startFirehoseServer(): Promise<HostileServer> {
  const chunk = Buffer.alloc(64 * 1024, "a");
  let sent = 0;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    const pump = () => {
      while (!res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
    };
    pump();
  });
  return track(
    server,
    () => {},
    () => sent,
  );
}

async function track(
  server: net.Server,
  onSocket: (socket: Socket) => void,
  bytesSent: () => number,
): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let closedByClient = 0;
  let closing = false;
  server.on("connection", (socket: Socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => {
      sockets.delete(socket);
      if (!closing) closedByClient += 1;
    });
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    accepted: () => accepted,
    closedByClient: () => closedByClient,
    bytesSent,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
