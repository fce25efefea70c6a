import { hostname } from "node:os";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type DiskSample,
  HostInfoSchema,
  type HostSample,
  HostSampleSchema,
} from "../../../gen/pulsar/v1/host_pb.js";
import type { Logger } from "../../core/logger.js";
import { resolveHostId } from "./host-id.js";
import { createPeriodicReading } from "./periodic-reading.js";
import { createCpuReader, readMemory } from "./read-cpu-memory.js";
import { readDisks } from "./read-disks.js";
import { readHostInfo } from "./read-info.js";
import { createNetworkReader } from "./read-network.js";
import { createProcessReader, EMPTY_PROCESSES } from "./read-processes.js";

/** SamplerDeps configure a host sampler. */
export interface SamplerDeps {
  intervalMs: number;
  /** Overrides the id derived from the machine id (HOST_ID). */
  hostId?: string;
  /** Receives each sample; the next sample waits for it, so samples never pile up. */
  onSample: (sample: HostSample) => void | Promise<void>;
  log: Logger;
  /** How often the slow readings are refreshed; defaults suit a 2 s interval. */
  processesEveryMs?: number;
  disksEveryMs?: number;
}

/** Sampler samples the host on an interval until stopped. */
export interface Sampler {
  start(): void;
  /** stop cancels the next sample and waits for the one in flight, if any. */
  stop(): Promise<void>;
}

/**
 * createSampler reads the host every `intervalMs`: CPU, memory and network on every sample
 * (a few ms: they read /proc), the process list and the filesystems on a slower cadence in the
 * background, reusing their last values so that no sample waits for them, and the machine's
 * description once. The first sample waits for the first reading of everything, so that every
 * published sample is complete. Samples never overlap: the next is timed from the end of the
 * previous one, including its onSample.
 */
export function createSampler(deps: SamplerDeps): Sampler {
  const { log, intervalMs } = deps;
  const processes = createPeriodicReading({
    name: "processes",
    read: createProcessReader(),
    everyMs: deps.processesEveryMs ?? 10_000,
    fallback: EMPTY_PROCESSES,
    log,
  });
  const disks = createPeriodicReading<DiskSample[]>({
    name: "filesystems",
    read: readDisks,
    everyMs: deps.disksEveryMs ?? 30_000,
    fallback: [],
    log,
  });
  const info = createPeriodicReading({
    name: "host info",
    read: readHostInfo,
    everyMs: Number.POSITIVE_INFINITY,
    fallback: create(HostInfoSchema),
    log,
  });
  const readNetwork = createNetworkReader();
  const readCpu = createCpuReader();
  let hostId: string | undefined;
  let primed: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let running = false;

  // Everything whose first reading is slow or meaningless (the CPU's first counts since boot, the
  // network's first has no previous counters) is read once before the first sample.
  const prime = async () => {
    hostId = await resolveHostId(deps.hostId);
    await Promise.all([
      processes.refresh(),
      disks.refresh(),
      info.refresh(),
      readCpu(),
      readNetwork(),
    ]);
  };

  const sample = async (): Promise<void> => {
    await primed;
    if (!running || hostId === undefined) return;
    const sampledAt = Date.now();
    const [cpu, memory, network] = await Promise.all([readCpu(), readMemory(), readNetwork()]);
    const procs = processes.current();
    const result = create(HostSampleSchema, {
      hostId,
      hostname: hostname(),
      sampledAt: timestampFromMs(sampledAt),
      cpu,
      memory,
      disks: disks.current(),
      network,
      processes: procs.counts,
      topProcesses: procs.top,
      info: info.current(),
    });
    await deps.onSample(result);
  };

  const tick = () => {
    const started = performance.now();
    inFlight = sample()
      .catch((error: unknown) => log.warn("host sample failed", { error }))
      .finally(() => {
        inFlight = undefined;
        if (!running) return;
        const elapsed = performance.now() - started;
        timer = setTimeout(tick, Math.max(0, intervalMs - elapsed));
      });
  };

  return {
    start() {
      if (running) return;
      running = true;
      primed ??= prime().catch((error: unknown) => {
        log.error("host sampler could not start", { error });
        running = false;
        primed = undefined; // a later start() tries again
      });
      // A sample still in flight from before a stop() schedules the next one itself.
      if (!inFlight) timer = setTimeout(tick, intervalMs);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      timer = undefined;
      await inFlight;
      await primed;
      await Promise.all([processes.settle(), disks.settle(), info.settle()]);
    },
  };
}
