import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { create } from "@bufbuild/protobuf";
import {
  type ProcessCounts,
  ProcessCountsSchema,
  type ProcessInfo,
  ProcessInfoSchema,
} from "../../../gen/pulsar/v1/host_pb.js";
import { parseMeminfo, percent } from "./read-cpu-memory.js";

/** MAX_COMMAND_LENGTH is where a process's command line is cut, in characters. */
export const MAX_COMMAND_LENGTH = 200;

/** ProcStat is what a process list needs from one /proc/<pid>/stat. */
export interface ProcStat {
  pid: number;
  /** The kernel's name of the process (at most 15 characters). */
  comm: string;
  /** The state letter: R, S, D, Z, T, t, I, X… */
  state: string;
  /** utime + stime, in clock ticks. Children are left out, as top and htop do. */
  ticks: number;
  rssPages: number;
  /** Threads of the process (num_threads). */
  threads: number;
}

/** parseProcPidStat reads /proc/<pid>/stat; undefined for text that is not one. */
export function parseProcPidStat(text: string): ProcStat | undefined {
  // The name is in parentheses and may itself hold spaces and parentheses: split at the last ')'.
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const fields = text.slice(close + 2).split(" ");
  const pid = Number.parseInt(text.slice(0, open), 10);
  // After the name: state is field 3 of proc(5), utime 14, stime 15, num_threads 20, rss 24.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const threads = Number(fields[17]);
  const rssPages = Number(fields[21]);
  if (!Number.isInteger(pid) || !Number.isFinite(utime + stime + rssPages + threads)) {
    return undefined;
  }
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: fields[0] ?? "",
    ticks: utime + stime,
    rssPages,
    threads,
  };
}

/** parseCpuTotal sums the ticks of the "cpu" line of /proc/stat: all cores, every state. */
export function parseCpuTotal(text: string): number {
  const line = text.slice(0, text.indexOf("\n"));
  return line
    .split(/\s+/)
    .slice(1)
    .reduce((sum, value) => sum + (Number(value) || 0), 0);
}

const STATES: Record<string, "running" | "sleeping" | "blocked" | "zombie" | "stopped"> = {
  R: "running",
  S: "sleeping",
  I: "sleeping", // an idle kernel thread
  D: "blocked", // uninterruptible, usually waiting for a disk
  Z: "zombie",
  T: "stopped",
  t: "stopped", // stopped by a debugger
};

// Synchronous on purpose: /proc files are generated in memory by the kernel and read in
// microseconds, while an asynchronous read is four thread-pool round trips (open, fstat, read,
// close) and promises for each of a few hundred files: several times the CPU for nothing.
const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

// /proc counts resident memory in pages; their size (4 KiB, 16 KiB, 64 KiB) is the ratio of
// this process's own VmRSS (KiB) to its rss in pages, rounded to a power of two.
function pageSize(root: string): number {
  const status = readText(`${root}/self/status`);
  const statm = readText(`${root}/self/statm`);
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status ?? "")?.[1]);
  const pages = Number(statm?.split(" ")[1]);
  if (!(kib > 0 && pages > 0)) return 4096;
  return 2 ** Math.round(Math.log2((kib * 1024) / pages));
}

/**
 * threadCount is the number of threads of all processes: the kernel's count of scheduling
 * entities, /proc/loadavg's "runnable/total" (0 when unreadable).
 */
export function threadCount(root: string): number {
  const total = readText(`${root}/loadavg`)?.split(" ")[3]?.split("/")[1];
  return Number.parseInt(total ?? "0", 10) || 0;
}

// Control characters (the NULs between arguments, a newline inside one) become spaces: the
// command line is shown on one line and must stay printable.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * commandLine turns /proc/<pid>/cmdline (arguments separated and ended by NUL) into one line,
 * cut at MAX_COMMAND_LENGTH characters (whole code points); "" for a kernel thread, which has
 * none.
 */
export function commandLine(cmdline: string): string {
  const line = cmdline.replace(CONTROL, " ").trim();
  if (line.length <= MAX_COMMAND_LENGTH) return line;
  return Array.from(line).slice(0, MAX_COMMAND_LENGTH).join("").trimEnd();
}

/** displayName is the executable's name from the command line, else the kernel's (threads). */
function displayName(cmdline: string, stat: ProcStat): string {
  const argv0 = cmdline.split("\u0000")[0] ?? "";
  return argv0 === "" ? stat.comm : basename(argv0.split(" ")[0] ?? argv0);
}

/**
 * openFileCount counts a process's open file descriptors (the entries of /proc/<pid>/fd): -1
 * when they cannot be listed (another user's process, without CAP_SYS_PTRACE; or one that has
 * just ended). One readdir per process: done for the listed few only.
 */
export function openFileCount(root: string, pid: number): number {
  try {
    return readdirSync(`${root}/${pid}/fd`).length;
  } catch {
    return -1;
  }
}

/** totalMemoryBytes is MemTotal of /proc/meminfo (0 when unreadable: no percentages then). */
function totalMemoryBytes(root: string): number {
  return parseMeminfo(readText(`${root}/meminfo`) ?? "").totalBytes;
}

/**
 * createProcProcessReader reads the process list straight from /proc (Linux): one small file
 * per process, read in this process, where systeminformation forks `ps` and then one `cat` per
 * process — about 150 ms of CPU each time on a machine with 100 processes, most of the agent's
 * cost. CPU use per process is its share of all cores since the previous call (since boot on the
 * first, or for a process new since then), as systeminformation reports it; the top `top`
 * processes by CPU, then memory, are listed, with their threads, open files, command line and
 * share of memory (read for those few only: a readdir of every process's fds would cost more
 * than the whole list). It throws when /proc cannot be read.
 */
export function createProcProcessReader(
  top: number,
  root = "/proc",
): () => Promise<{ counts: ProcessCounts; top: ProcessInfo[] }> {
  let previous: { total: number; ticks: Map<number, number> } | undefined;
  let bytesPerPage: number | undefined;
  return async () => {
    bytesPerPage ??= pageSize(root);
    const pageBytes = bytesPerPage;
    const total = parseCpuTotal(readFileSync(`${root}/stat`, "utf8"));
    const threads = threadCount(root);
    const stats: ProcStat[] = [];
    for (const name of readdirSync(root)) {
      if (!/^\d+$/.test(name)) continue;
      // A process that ended between readdir and its read is simply not listed.
      const stat = parseProcPidStat(readText(`${root}/${name}/stat`) ?? "");
      if (stat) stats.push(stat);
    }
    const elapsed = previous ? total - previous.total : total;
    const usage = stats.map((stat) => {
      const before = previous?.ticks.get(stat.pid) ?? 0;
      const cpuPercent = elapsed > 0 ? ((stat.ticks - before) / elapsed) * 100 : 0;
      return { stat, cpuPercent: percent(cpuPercent), memoryBytes: stat.rssPages * pageBytes };
    });
    previous = { total, ticks: new Map(stats.map((s) => [s.pid, s.ticks])) };

    const chosen = usage
      .sort((a, b) => b.cpuPercent - a.cpuPercent || b.memoryBytes - a.memoryBytes)
      .slice(0, top);
    // The details that cost a read or a readdir each are read for the listed processes only.
    const totalMemory = totalMemoryBytes(root);
    const cmdlines = chosen.map((u) => readText(`${root}/${u.stat.pid}/cmdline`) ?? "");
    const count = (state: string) => stats.filter((s) => STATES[s.state] === state).length;
    return {
      counts: create(ProcessCountsSchema, {
        total: stats.length,
        running: count("running"),
        sleeping: count("sleeping"),
        blocked: count("blocked"),
        zombie: count("zombie"),
        threads: Math.max(threads, stats.length),
      }),
      top: chosen.map((u, i) => {
        const cmdline = cmdlines[i] ?? "";
        return create(ProcessInfoSchema, {
          pid: u.stat.pid,
          name: displayName(cmdline, u.stat),
          cpuPercent: u.cpuPercent,
          memoryBytes: u.memoryBytes,
          state: STATES[u.stat.state] ?? "unknown",
          memoryPercent: totalMemory > 0 ? percent((u.memoryBytes / totalMemory) * 100) : 0,
          threads: u.stat.threads,
          openFiles: openFileCount(root, u.stat.pid),
          command: commandLine(cmdline),
        });
      }),
    };
  };
}
