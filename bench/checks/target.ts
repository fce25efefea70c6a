// A minimal local target for the checks benchmark, run as its own process so that its CPU is
// not counted as the worker's. Prints "ready <http port> <https port>" when listening.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";

const body = "pulsar benchmark target: ok\n";
const handler = (_req: unknown, res: import("node:http").ServerResponse) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": Buffer.byteLength(body) });
  res.end(body);
};
const fixtures = new URL("../../test/fixtures/tls/", import.meta.url);
const http = createServer({ keepAliveTimeout: 1000 }, handler);
const https = createTlsServer(
  {
    cert: readFileSync(new URL("leaf.crt", fixtures)),
    key: readFileSync(new URL("leaf.key", fixtures)),
  },
  handler,
);
http.maxConnections = 100_000;
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", 4096, resolve));
await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", 4096, resolve));
process.stdout.write(
  `ready ${(http.address() as AddressInfo).port} ${(https.address() as AddressInfo).port}\n`,
);
process.on("SIGTERM", () => process.exit(0));
