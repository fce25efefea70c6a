// The local target of bench/stack, run as its own process so that its CPU is not counted as the
// stack's. It answers every check after `delayMs` (argv[2], default 50), as a real site takes
// its time, and between /__record/start and /__record/stop notes when each check arrived, by
// the monitor number in its path (/m/<n>): the bench turns that into lateness at the target.
// Prints "ready <port>" when listening.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const delayMs = Number(process.argv[2] ?? 50);
const body = "pulsar benchmark target: ok\n";
let recording = false;
/** Arrivals as flat [monitor number, epoch ms, …]: 60,000 of them stay a small array. */
let arrivals: number[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? "/";
  if (url === "/__record/start") {
    arrivals = [];
    recording = true;
    res.end("recording\n");
    return;
  }
  if (url === "/__record/stop") {
    recording = false;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(arrivals));
    return;
  }
  if (recording && url.startsWith("/m/")) arrivals.push(Number(url.slice(3)), Date.now());
  setTimeout(() => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": Buffer.byteLength(body) });
    res.end(body);
  }, delayMs);
}

const server = createServer({ keepAliveTimeout: 1000 }, handle);
server.maxConnections = 100_000;
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", 4096, resolve));
process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
