import { hostname } from "node:os";
import { clone, create } from "@bufbuild/protobuf";
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
import { readDefaultAddress } from "./read-default-address.js";
import { createDiskIoReader } from "./read-disk-io.js";
import { readDisks } from "./read-disks.js";
import { readFileHandles } from "./read-file-handles.js";
import { readHostInfo } from "./read-info.js";
import { createNetworkReader } from "./read-network.js";
import { createProcessReader, EMPTY_PROCESSES } from "./read-processes.js";

/**
 * OPTIONAL_READINGS are the readings a sampler can be told to leave out (AgentSettings'
 * disabled_readings); CPU and memory are always read.
 */
export const OPTIONAL_READINGS = [
  "processes",
  "disks",
  "disk_io",
  "network",
  "file_handles",
] as const;

/** OptionalReading is one of OPTIONAL_READINGS. */
export type OptionalReading = (typeof OPTIONAL_READINGS)[number];

/**
 * SamplerSettings change a running sampler (Sampler.configure): the interval (0 or absent: the
 * one it was created with) and the readings to leave out (unknown names are ignored).
 */
export interface SamplerSettings {
  intervalMs?: number;
  disabledReadings?: readonly string[];
}

/** The interval configure accepts, as AgentSettings bound it: a bad answer cannot spin. */
const CONFIGURED_INTERVAL_MS = { min: 500, max: 60_000 } as const;

/** SamplerDeps configure a host sampler. */
export interface SamplerDeps {
  /** The interval until configure says otherwise (SAMPLE_INTERVAL_MS). */
  intervalMs: number;
  /** The version of what samples (the agent's, the worker's): HostInfo.agent_version. */
  version: string;
  /** HostInfo.labels (the agent's AGENT_LABELS, already checked); none for a worker. */
  labels?: Readonly<Record<string, string>>;
  /** Overrides the id derived from the machine id (HOST_ID). */
  hostId?: string;
  /** Receives each sample; the next sample waits for it, so samples never pile up. */
  onSample: (sample: HostSample) => void | Promise<void>;
  log: Logger;
  /** How often the slow readings are refreshed; defaults suit a 2 s interval. */
  processesEveryMs?: number;
  disksEveryMs?: number;
  /** How often the default route's address is read again: it may change (DHCP, a move). */
  addressEveryMs?: number;
}

/** Sampler samples the host on an interval until stopped. */
export interface Sampler {
  start(): void;
  /**
   * configure changes the interval and the readings left out, from the next sample on; a
   * reading left out is not read at all, and one taken back in is read again at once so that
   * its next rate covers one interval rather than the time it was off.
   */
  configure(settings: SamplerSettings): void;
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
  const { log } = deps;
  let intervalMs = deps.intervalMs;
  let disabled = new Set<OptionalReading>();
  const on = (reading: OptionalReading) => !disabled.has(reading);
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
  const address = createPeriodicReading({
    name: "default route address",
    read: () => readDefaultAddress(),
    everyMs: deps.addressEveryMs ?? 5 * 60_000,
    fallback: "",
    log,
  });
  let readNetwork = createNetworkReader();
  let readDiskIo = createDiskIoReader();
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
      on("processes") && processes.refresh(),
      on("disks") && disks.refresh(),
      info.refresh(),
      address.refresh(),
      readCpu(),
      on("network") && readNetwork(),
      on("disk_io") && readDiskIo(),
    ]);
  };

  const describe = () => {
    const described = clone(HostInfoSchema, info.current());
    described.ipAddress = address.current();
    described.agentVersion = deps.version;
    described.labels = { ...deps.labels };
    return described;
  };

  const sample = async (): Promise<void> => {
    await primed;
    if (!running || hostId === undefined) return;
    const sampledAt = Date.now();
    const [cpu, memory, network, diskIo, fileHandles] = await Promise.all([
      readCpu(),
      readMemory(),
      on("network") ? readNetwork() : undefined,
      on("disk_io") ? readDiskIo() : undefined,
      on("file_handles") ? readFileHandles() : undefined,
    ]);
    const procs = on("processes") ? processes.current() : undefined;
    const result = create(HostSampleSchema, {
      hostId,
      hostname: hostname(),
      sampledAt: timestampFromMs(sampledAt),
      cpu,
      memory,
      disks: on("disks") ? disks.current() : [],
      network,
      processes: procs?.counts,
      topProcesses: procs?.top ?? [],
      info: describe(),
      diskIo,
      fileHandles,
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
    configure(settings) {
      const wanted = settings.intervalMs;
      intervalMs =
        wanted !== undefined && Number.isFinite(wanted) && wanted > 0
          ? Math.min(CONFIGURED_INTERVAL_MS.max, Math.max(CONFIGURED_INTERVAL_MS.min, wanted))
          : deps.intervalMs;
      const next = new Set(
        OPTIONAL_READINGS.filter((r) => settings.disabledReadings?.includes(r) ?? false),
      );
      const back = (reading: OptionalReading) => disabled.has(reading) && !next.has(reading);
      // Rates are since the reader's previous call: a fresh reader, primed now, measures the
      // next interval instead of the whole time the reading was off.
      const prime = (read: () => Promise<unknown>) =>
        void read().catch((error: unknown) => log.warn("priming a reading failed", { error }));
      if (back("network")) {
        readNetwork = createNetworkReader();
        prime(readNetwork);
      }
      if (back("disk_io")) {
        readDiskIo = createDiskIoReader();
        prime(readDiskIo);
      }
      if (back("processes")) void processes.refresh();
      if (back("disks")) void disks.refresh();
      disabled = next;
    },
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
      await Promise.all([processes.settle(), disks.settle(), info.settle(), address.settle()]);
    },
  };
}
