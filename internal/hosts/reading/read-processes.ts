import { create } from "@bufbuild/protobuf";
import {
  type ProcessCounts,
  ProcessCountsSchema,
  type ProcessInfo,
  ProcessInfoSchema,
} from "../../../gen/pulsar/v1/host_pb.js";
import { percent } from "./read-cpu-memory.js";
import { commandLine, createProcProcessReader, threadCount } from "./read-proc-processes.js";
import { systeminformation } from "./systeminformation.js";

/** TOP_PROCESSES is how many processes a sample lists, by CPU use. */
export const TOP_PROCESSES = 12;

/** ProcessReading is the process counts and the top consumers, read together. */
export interface ProcessReading {
  counts: ProcessCounts;
  top: ProcessInfo[];
}

/** EMPTY_PROCESSES stands in until the first process list is read. */
export const EMPTY_PROCESSES: ProcessReading = {
  counts: create(ProcessCountsSchema),
  top: [],
};

const STATES = new Set(["running", "sleeping", "blocked", "zombie", "stopped"]);

// systeminformation also reports "idle", "paging", "dead" and the like; the contract has six.
const normalState = (state: string): string => {
  if (STATES.has(state)) return state;
  if (state === "idle" || state === "disk sleep") return "sleeping";
  if (state === "traced") return "stopped";
  return "unknown";
};

/**
 * readProcesses reads the process list (~100 ms: systeminformation runs ps and reads /proc),
 * counts it by state and keeps the top consumers by CPU. CPU use per process is measured since
 * the previous call, so on the slow cadence it is an average over that period.
 */
export async function readProcesses(): Promise<ProcessReading> {
  // The kernel counts threads for us (/proc/loadavg); elsewhere no cheap source exists: 0.
  const data = await (await systeminformation()).processes();
  const threads = process.platform === "linux" ? threadCount("/proc") : 0;
  const top = [...data.list]
    .sort((a, b) => b.cpu - a.cpu || b.memRss - a.memRss)
    .slice(0, TOP_PROCESSES)
    .map((p) =>
      create(ProcessInfoSchema, {
        pid: p.pid,
        name: p.name,
        cpuPercent: percent(p.cpu),
        // ps reports the resident set in KiB.
        memoryBytes: p.memRss * 1024,
        state: normalState(p.state),
        memoryPercent: percent(p.mem),
        // Neither is known here without a call per process.
        threads: 0,
        openFiles: -1,
        command: commandLine([p.command, p.params].filter((s) => s !== "").join(" ")),
      }),
    );
  const total = Math.max(data.all, data.list.length);
  return {
    counts: create(ProcessCountsSchema, {
      total,
      running: Math.min(data.running, total),
      sleeping: data.sleeping,
      blocked: data.blocked,
      zombie: data.list.filter((p) => p.state === "zombie").length,
      threads: Math.max(threads, total),
    }),
    top,
  };
}

/**
 * createProcessReader returns the process list reader for this machine: straight from /proc on
 * Linux (createProcProcessReader: no child processes), else systeminformation (readProcesses).
 * Where /proc cannot be read after all (a sandbox), it falls back to systeminformation for good.
 */
export function createProcessReader(): () => Promise<ProcessReading> {
  if (process.platform !== "linux") return readProcesses;
  const fromProc = createProcProcessReader(TOP_PROCESSES);
  let useProc = true;
  return async () => {
    if (useProc) {
      try {
        return await fromProc();
      } catch {
        useProc = false;
      }
    }
    return readProcesses();
  };
}
