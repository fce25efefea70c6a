// The targets of the noisy-neighbour benchmark, in a process of their own so that their CPU is
// not the worker's: a server that accepts and never answers (tenant A's), a healthy HTTP target
// (tenant B's) and a DNS server that reads and never answers, on the address given (port 53 by
// default, for /etc/resolv.conf). Prints "ready <hang port> <healthy port>" when listening.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { startDnsServer } from "../../test/support/dns-server.js";
import { startSilentServer } from "../../test/support/hostile-servers.js";

const { values: args } = parseArgs({
  options: {
    "dns-host": { type: "string", default: "127.0.0.53" },
    "dns-port": { type: "string", default: "53" },
  },
});

const body = "pulsar noisy-neighbour target: ok\n";
const healthy = createServer({ keepAliveTimeout: 1000 }, (_req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": Buffer.byteLength(body) });
  res.end(body);
});
await new Promise<void>((resolve) => healthy.listen(0, "127.0.0.1", 4096, resolve));
const hang = await startSilentServer();
const dns = await startDnsServer({
  silent: true,
  host: args["dns-host"],
  port: Number(args["dns-port"]),
});
process.stdout.write(`ready ${hang.port} ${(healthy.address() as AddressInfo).port}\n`);
process.on("SIGTERM", () => {
  process.stderr.write(`silent DNS server received ${dns.queries().length} queries\n`);
  process.exit(0);
});
