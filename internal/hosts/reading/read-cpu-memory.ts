import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { create } from "@bufbuild/protobuf";
import {
  type CpuSample,
  CpuSampleSchema,
  type MemorySample,
  MemorySampleSchema,
} from "../../../gen/pulsar/v1/host_pb.js";
import { systeminformation } from "./systeminformation.js";

/** percent clamps a reading to 0–100: counters read a few ms apart can overshoot slightly. */
export const percent = (value: number): number =>
  Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;

/** CpuTicks are one CPU's (or all CPUs') busy and total clock ticks since boot. */
export interface CpuTicks {
  busy: number;
  total: number;
}

/**
 * parseProcStatCpus reads /proc/stat's "cpu" lines: all cores first, then one per core. Busy
 * is user, nice, system, irq, softirq and steal; idle and iowait are not (as top counts);
 * guest time is already inside user and nice.
 */
export function parseProcStatCpus(text: string): CpuTicks[] {
  const result: CpuTicks[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("cpu")) continue;
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
      line.trim().split(/\s+/).slice(1, 9).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    result.push({ busy, total: busy + idle + iowait });
  }
  return result;
}

/** CpuReader reads CPU use since its previous call. */
export type CpuReader = () => Promise<CpuSample>;

/**
 * createCpuReader returns a reader of CPU use since its previous call (since boot on the
 * first): on Linux from /proc/stat, read in this process — systeminformation's currentLoad
 * runs `cat /proc/stat | grep cpu` synchronously through a shell on every call, which was most
 * of the agent's CPU — and elsewhere (or without /proc) through systeminformation.
 */
export function createCpuReader(path = "/proc/stat"): CpuReader {
  let previous: CpuTicks[] | undefined;
  let useProc = process.platform === "linux";
  const share = (now: CpuTicks, before: CpuTicks | undefined) => {
    const total = now.total - (before?.total ?? 0);
    return total > 0 ? percent(((now.busy - (before?.busy ?? 0)) / total) * 100) : 0;
  };
  return async () => {
    if (!useProc) return readCpu();
    let ticks: CpuTicks[];
    try {
      // Synchronous: an in-memory kernel file, read in microseconds (see read-proc-processes).
      ticks = parseProcStatCpus(readFileSync(path, "utf8"));
    } catch {
      useProc = false;
      return readCpu();
    }
    const [all, ...cores] = ticks;
    const before = previous;
    previous = ticks;
    const [load1 = 0, load5 = 0, load15 = 0] = loadavg();
    return create(CpuSampleSchema, {
      totalPercent: all ? share(all, before?.[0]) : 0,
      perCorePercent: cores.map((core, i) => share(core, before?.[i + 1])),
      load1,
      load5,
      load15,
    });
  };
}

/**
 * readCpu reads CPU use since the previous call (systeminformation keeps the counters between
 * calls; the very first call measures over 0.5 s) and the load averages.
 */
export async function readCpu(): Promise<CpuSample> {
  const load = await (await systeminformation()).currentLoad();
  const [load1 = 0, load5 = 0, load15 = 0] = loadavg();
  return create(CpuSampleSchema, {
    totalPercent: percent(load.currentLoad),
    perCorePercent: load.cpus.map((core) => percent(core.load)),
    load1,
    load5,
    load15,
  });
}

/**
 * parseMeminfo reads /proc/meminfo into a MemorySample. "Used" is total minus MemAvailable
 * (systeminformation's `active`): memory in use by processes, without the buffers and page
 * cache the kernel gives back on demand.
 */
export function parseMeminfo(text: string): MemorySample {
  const kib = (name: string): number | undefined => {
    const match = new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  };
  const total = kib("MemTotal") ?? 0;
  const available =
    kib("MemAvailable") ??
    (kib("MemFree") ?? 0) + (kib("Buffers") ?? 0) + (kib("Cached") ?? 0) + (kib("Slab") ?? 0);
  const swapTotal = kib("SwapTotal") ?? 0;
  return create(MemorySampleSchema, {
    totalBytes: total,
    usedBytes: Math.max(0, total - available),
    availableBytes: available,
    swapTotalBytes: swapTotal,
    swapUsedBytes: Math.max(0, swapTotal - (kib("SwapFree") ?? 0)),
  });
}

/**
 * readMemory reads memory and swap: on Linux from /proc/meminfo, read synchronously in this
 * process (an in-memory kernel file: see read-proc-processes), elsewhere through
 * systeminformation, with the same meaning of "used".
 */
export async function readMemory(): Promise<MemorySample> {
  if (process.platform === "linux") {
    try {
      return parseMeminfo(readFileSync("/proc/meminfo", "utf8"));
    } catch {
      // No /proc (a sandbox): fall through to systeminformation.
    }
  }
  const mem = await (await systeminformation()).mem();
  return create(MemorySampleSchema, {
    totalBytes: mem.total,
    usedBytes: Math.min(mem.active, mem.total),
    availableBytes: mem.available,
    swapTotalBytes: mem.swaptotal,
    swapUsedBytes: mem.swapused,
  });
}
