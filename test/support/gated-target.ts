import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * GatedTarget is a local HTTP server on 127.0.0.1 whose requests wait at a gate: each is held
 * (headers not sent) until the test opens it, then answered 200 "ok". Tests that need checks
 * to be in flight for exactly as long as they say use it.
 */
export interface GatedTarget {
  /** Origin, e.g. `http://127.0.0.1:40123`; any path is held. */
  readonly url: string;
  /** The paths of the requests held right now, oldest first. */
  held(): string[];
  /** Every path received so far, oldest first. */
  received(): string[];
  /** Answers the held requests whose path starts with `prefix` (all by default). */
  open(prefix?: string): number;
  /** Closes the server and every connection. */
  close(): Promise<void>;
}

/** startGatedTarget starts a {@link GatedTarget}. */
export async function startGatedTarget(): Promise<GatedTarget> {
  const held: { path: string; res: http.ServerResponse }[] = [];
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    received.push(path);
    const entry = { path, res };
    held.push(entry);
    // A request the client gave up on leaves the gate.
    res.on("close", () => {
      const at = held.indexOf(entry);
      if (at >= 0) held.splice(at, 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    held: () => held.map((entry) => entry.path),
    received: () => [...received],
    open(prefix = "") {
      const opened = held.filter((entry) => entry.path.startsWith(prefix));
      for (const entry of opened) {
        held.splice(held.indexOf(entry), 1);
        entry.res.end("ok");
      }
      return opened.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
