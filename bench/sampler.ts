// Measures what the host sampler costs the worker process it runs in: CPU time as a share of
// one core (process.cpuUsage, this process only) and, on Linux, of the children it waits for
// (ps run by the process list), plus the resident set at the end.
//
//   npx tsx bench/sampler.ts [seconds]   (default 60, at the default 2000 ms interval)
import { readFile } from "node:fs/promises";
import { createLogger } from "../internal/core/logger.js";
import { createSampler } from "../internal/hosts/reading/sampler.js";

const INTERVAL_MS = 2000;
const seconds = Number(process.argv[2] ?? 60);
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("usage: bench/sampler.ts [seconds]");

// utime+stime of waited-for children, in clock ticks (fields 16 and 17 of /proc/self/stat).
async function childrenCpuMs(): Promise<number | undefined> {
  try {
    const stat = await readFile("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[13]) + Number(fields[14]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux.
  } catch {
    return undefined;
  }
}

let samples = 0;
const sampler = createSampler({
  intervalMs: INTERVAL_MS,
  version: "bench",
  onSample: () => {
    samples++;
  },
  log: createLogger("bench", "warn"),
});

const childrenBefore = await childrenCpuMs();
const cpuBefore = process.cpuUsage();
const started = performance.now();
sampler.start();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
await sampler.stop();
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const childrenAfter = await childrenCpuMs();

const ownMs = (cpu.user + cpu.system) / 1000;
const share = (ms: number) => `${((ms / wallMs) * 100).toFixed(2)} %`;
console.log(
  `samples:            ${samples} in ${(wallMs / 1000).toFixed(1)} s at ${INTERVAL_MS} ms`,
);
console.log(`CPU, this process:  ${share(ownMs)} of one core (${ownMs.toFixed(0)} ms)`);
if (childrenBefore !== undefined && childrenAfter !== undefined) {
  const childMs = childrenAfter - childrenBefore;
  console.log(`CPU, children (ps): ${share(childMs)} of one core (${childMs.toFixed(0)} ms)`);
}
console.log(`RSS at the end:     ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MiB`);
