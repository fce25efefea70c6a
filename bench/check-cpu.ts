/**
 * Micro-benchmark of the check's CPU cost: N checks against a local target at a fixed
 * concurrency, reporting checks/s and CPU ms per check (process.cpuUsage of this process).
 * The target runs in a child process, so its CPU (accepting, TLS server handshakes) is not
 * counted. Run with `npx tsx bench/check-cpu.ts [httpChecks] [httpsChecks] [concurrency]`.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CheckResult, CheckTarget } from "../gen/pulsar/v1/check_pb.js";
import { type CheckOptions, runCheck } from "../internal/checks/http/index.js";
import {
  checkTarget,
  startHttpsTarget,
  startHttpTarget,
  tlsFixture,
} from "../test/support/targets.js";

interface Origins {
  http: string;
  https: string;
}

if (process.argv[2] === "--serve") {
  const [http, https] = await Promise.all([startHttpTarget(), startHttpsTarget("ca-signed")]);
  process.send?.({ http: http.url, https: https.url } satisfies Origins);
  // Serve until the parent goes away.
  process.on("disconnect", () => process.exit(0));
} else {
  const [httpChecks = 5000, httpsChecks = 1000, concurrency = 100] = process.argv
    .slice(2)
    .map(Number);
  const child = fork(fileURLToPath(import.meta.url), ["--serve"], {
    execArgv: ["--import", "tsx"],
  });
  const origins = await new Promise<Origins>((resolve) => child.once("message", resolve));
  const options: CheckOptions = { ca: tlsFixture("ca.crt") };
  const http = checkTarget(`${origins.http}/ok`);
  const https = checkTarget(`${origins.https}/ok`);

  // Warm up the JIT, the TLS context and the target before measuring.
  await pool(http, 500, concurrency, options);
  await pool(https, 200, concurrency, options);

  for (const [label, target, n] of [
    ["HTTP ", http, httpChecks],
    ["HTTPS", https, httpsChecks],
  ] as const) {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const results = await pool(target, n, concurrency, options);
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
  options: CheckOptions,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let started = 0;
  const worker = async () => {
    while (started < n) {
      started += 1;
      results.push(await runCheck(target, options));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

function pct(sorted: number[], p: number): string {
  return (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0).toFixed(1);
}
