import { loadavg } from "node:os";
import { create } from "@bufbuild/protobuf";
import si from "systeminformation";
import {
  type CpuSample,
  CpuSampleSchema,
  type MemorySample,
  MemorySampleSchema,
} from "../../gen/pulsar/v1/host_pb.js";

/** percent clamps a reading to 0–100: counters read a few ms apart can overshoot slightly. */
export const percent = (value: number): number =>
  Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;

/**
 * readCpu reads CPU use since the previous call (systeminformation keeps the counters between
 * calls; the very first call measures over 0.5 s) and the load averages.
 */
export async function readCpu(): Promise<CpuSample> {
  const load = await si.currentLoad();
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
 * readMemory reads memory and swap. "Used" is systeminformation's `active`: memory in use by
 * processes, without buffers and page cache, which the kernel gives back on demand.
 */
export async function readMemory(): Promise<MemorySample> {
  const mem = await si.mem();
  return create(MemorySampleSchema, {
    totalBytes: mem.total,
    usedBytes: Math.min(mem.active, mem.total),
    availableBytes: mem.available,
    swapTotalBytes: mem.swaptotal,
    swapUsedBytes: mem.swapused,
  });
}
