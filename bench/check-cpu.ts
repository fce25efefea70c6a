/**
 * Micro-benchmark of the check's CPU cost: N checks against a local target at a fixed
 * concurrency, reporting checks/s and CPU ms per check (process.cpuUsage of this process).
 * The target runs in a child process, so its CPU (accepting, TLS server handshakes) is not
 * counted. Run with `npx tsx bench/check-cpu.ts [httpChecks] [httpsChecks] [concurrency]
 * [tcpChecks] [dnsChecks]`: TCP checks send "PING\r\n" and expect "+PONG" from a line server, DNS
 * checks ask a local UDP server for an A record, both through the worker's dispatch
 * (createCheckRunner).
 */
import { fork } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import {
  type CheckResult,
  type CheckTarget,
  CheckTargetSchema,
} from "../gen/pulsar/v1/check_pb.js";
import { type CheckOptions, runCheck } from "../internal/checks/http/index.js";
import { createCheckRunner } from "../internal/checks/run-target.js";
import { startDnsServer } from "../test/support/dns-server.js";
import {
  checkTarget,
  startHttpsTarget,
  startHttpTarget,
  tlsFixture,
} from "../test/support/targets.js";

interface Origins {
  http: string;
  https: string;
  tcpPort: number;
  dnsServer: string;
}

type Run = (target: CheckTarget) => Promise<CheckResult>;

if (process.argv[2] === "--serve") {
  const [http, https] = await Promise.all([startHttpTarget(), startHttpsTarget("ca-signed")]);
  // A line server, as Redis answers PING.
  const tcp = net.createServer((socket) => {
    socket.on("data", () => socket.end("+PONG\r\n"));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
  const dns = await startDnsServer({ records: { "bench.test": { A: ["192.0.2.1"] } } });
  process.send?.({
    http: http.url,
    https: https.url,
    tcpPort: (tcp.address() as net.AddressInfo).port,
    dnsServer: dns.server,
  } satisfies Origins);
  // Serve until the parent goes away.
  process.on("disconnect", () => process.exit(0));
} else {
  const [
    httpChecks = 5000,
    httpsChecks = 1000,
    concurrency = 100,
    tcpChecks = 5000,
    dnsChecks = 5000,
  ] = process.argv.slice(2).map(Number);
  const child = fork(fileURLToPath(import.meta.url), ["--serve"], {
    execArgv: ["--import", "tsx"],
  });
  const origins = await new Promise<Origins>((resolve) => child.once("message", resolve));
  const options: CheckOptions = { ca: tlsFixture("ca.crt") };
  const http = checkTarget(`${origins.http}/ok`);
  const https = checkTarget(`${origins.https}/ok`);
  const tcp = create(CheckTargetSchema, {
    timeoutMs: 5000,
    tcp: { host: "127.0.0.1", port: origins.tcpPort, send: "PING\\r\\n", expect: "+PONG" },
  });
  const dns = create(CheckTargetSchema, {
    timeoutMs: 5000,
    dns: { name: "bench.test", recordType: "A", server: origins.dnsServer, expect: "192.0.2.1" },
  });
  const httpRun: Run = (target) => runCheck(target, options);
  const kindRun = createCheckRunner();
  const byKind: Run = (target) => kindRun(target, {});

  // Warm up the JIT, the TLS context and the targets before measuring.
  await pool(http, 500, concurrency, httpRun);
  await pool(https, 200, concurrency, httpRun);
  await pool(tcp, 500, concurrency, byKind);
  await pool(dns, 500, concurrency, byKind);

  for (const [label, target, n, run] of [
    ["HTTP ", http, httpChecks, httpRun],
    ["HTTPS", https, httpsChecks, httpRun],
    ["TCP  ", tcp, tcpChecks, byKind],
    ["DNS  ", dns, dnsChecks, byKind],
  ] as const) {
    if (n === 0) continue;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const results = await pool(target, n, concurrency, run);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const down = results.filter((r) => !r.up);
    const totals = results.map((r) => r.timing?.totalMs ?? 0).sort((a, b) => a - b);
    const loop = Math.max(...results.map((r) => r.loopDelayMs));
    console.log(
      `${label} ${n} checks, concurrency ${concurrency}: ${(n / seconds).toFixed(0)} checks/s, ` +
        `CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(3)} ms/check ` +
        `(user ${(cpu.user / 1000 / n).toFixed(3)}, system ${(cpu.system / 1000 / n).toFixed(3)}), ` +
        `total p50 ${pct(totals, 0.5)} ms p99 ${pct(totals, 0.99)} ms, ` +
        `max loop delay ${loop.toFixed(1)} ms, down ${down.length}` +
        (down.length > 0 ? ` (first: ${down[0]?.error})` : ""),
    );
  }
  child.disconnect();
}

/** pool runs `n` checks of `target`, `concurrency` at a time. */
async function pool(
  target: CheckTarget,
  n: number,
  concurrency: number,
  run: Run,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let started = 0;
  const worker = async () => {
    while (started < n) {
      started += 1;
      results.push(await run(target));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

function pct(sorted: number[], p: number): string {
  return (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0).toFixed(1);
}
