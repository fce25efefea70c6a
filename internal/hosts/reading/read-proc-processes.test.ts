import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  commandLine,
  createProcProcessReader,
  MAX_COMMAND_LENGTH,
  openFileCount,
  parseCpuTotal,
  parseProcPidStat,
} from "./read-proc-processes.js";

describe("parseProcPidStat", () => {
  it("reads state, CPU ticks, threads and resident pages, whatever the process calls itself", () => {
    const text =
      "4242 (tricky (name) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 1 0 100 1000000 321 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
    expect(parseProcPidStat(text)).toEqual({
      pid: 4242,
      comm: "tricky (name) x",
      state: "S",
      ticks: 300,
      rssPages: 321,
      threads: 1,
    });
    expect(parseProcPidStat("garbage")).toBeUndefined();
  });
});

describe("parseCpuTotal", () => {
  it("sums every state of the all-cores line", () => {
    expect(parseCpuTotal("cpu  10 1 5 100 2 0 1 0 0 0\ncpu0 5 0 2 50 1 0 0 0 0 0\n")).toBe(119);
  });
});

describe("commandLine", () => {
  it("joins the NUL-separated arguments with spaces, printable, cut at 200 characters", () => {
    expect(commandLine("/usr/bin/node\u0000--max-old-space-size=512\u0000server.js\u0000")).toBe(
      "/usr/bin/node --max-old-space-size=512 server.js",
    );
    expect(commandLine("sh\u0000-c\u0000echo a\nb\u0000")).toBe("sh -c echo a b");
    expect(commandLine("")).toBe("");
    const long = commandLine(`java\u0000${"-Dx=1\u0000".repeat(100)}`);
    expect(long).toHaveLength(MAX_COMMAND_LENGTH);
    expect(long.startsWith("java -Dx=1 -Dx=1")).toBe(true);
    // Cut between characters, never inside one (an emoji is two UTF-16 units).
    const emoji = commandLine("😀".repeat(300));
    expect(Array.from(emoji)).toHaveLength(MAX_COMMAND_LENGTH);
    expect(emoji.endsWith("😀")).toBe(true);
  });
});

/** procStatLine is a /proc/<pid>/stat line: state, utime+stime ticks, threads, rss pages. */
const procStatLine = (
  pid: number,
  comm: string,
  state: string,
  ticks: number,
  threads: number,
  rss: number,
) =>
  `${pid} (${comm}) ${state} 1 ${pid} ${pid} 0 -1 4194560 100 0 0 0 ${ticks} 0 0 0 20 0 ${threads} 0 100 1000000 ${rss} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`;

describe("createProcProcessReader on a fixture /proc", () => {
  it("lists threads, open files, the command line and the share of memory of the top processes", async () => {
    const root = await mkdtemp(join(tmpdir(), "pulsar-proc-"));
    const write = async (path: string, text: string) => {
      await mkdir(join(root, path, ".."), { recursive: true });
      await writeFile(join(root, path), text);
    };
    try {
      await write("stat", "cpu  0 0 0 1000 0 0 0 0 0 0\n");
      await write("loadavg", "0.10 0.20 0.30 2/150 999\n");
      // 4 KiB pages (VmRSS 400 KiB = 100 pages); 1 GiB of memory.
      await write("self/status", "VmRSS:\t     400 kB\n");
      await write("self/statm", "1000 100 50 1 0 100 0\n");
      await write("meminfo", "MemTotal:       1048576 kB\nMemAvailable:    524288 kB\n");
      // A server with 3 open files and 8 threads using 256 MiB (65536 pages)…
      await write("100/stat", procStatLine(100, "node", "R", 0, 8, 65536));
      await write("100/cmdline", "/usr/bin/node\u0000server.js\u0000--port=8080\u0000");
      for (const fd of ["0", "1", "2"]) await write(`100/fd/${fd}`, "");
      // …another user's process, whose fds cannot be listed (no fd directory here)…
      await write("200/stat", procStatLine(200, "postgres", "S", 0, 1, 1024));
      await write("200/cmdline", "postgres: checkpointer\u0000");
      // …and a kernel thread, with no command line and no memory.
      await write("2/stat", procStatLine(2, "kthreadd", "S", 0, 1, 0));
      await write("2/cmdline", "");
      await mkdir(join(root, "2", "fd"));

      const reading = await createProcProcessReader(12, root)();
      expect(reading.top.map((p) => [p.pid, p.name, p.threads, p.openFiles, p.command])).toEqual([
        [100, "node", 8, 3, "/usr/bin/node server.js --port=8080"],
        [200, "postgres:", 1, -1, "postgres: checkpointer"],
        [2, "kthreadd", 1, 0, ""],
      ]);
      expect(reading.top.map((p) => p.memoryPercent)).toEqual([25, 0.390625, 0]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe.runIf(process.platform === "linux")("this process, read from /proc", () => {
  it("has open files and a command line naming node or vitest", () => {
    expect(openFileCount("/proc", process.pid)).toBeGreaterThan(0);
    expect(openFileCount("/proc", 2 ** 22 + 1)).toBe(-1); // above pid_max: no such process
    const command = commandLine(readFileSync("/proc/self/cmdline", "utf8"));
    expect(command).toMatch(/node|vitest/);
    expect(command.length).toBeLessThanOrEqual(MAX_COMMAND_LENGTH);
  });
});

describe.runIf(process.platform === "linux")("createProcProcessReader", () => {
  it("lists a busy process at the top, with its share of the machine's CPU and its memory", async () => {
    const read = createProcProcessReader(12);
    const busy = spawn(
      process.execPath,
      ["-e", "const end = Date.now() + 5000; while (Date.now() < end);"],
      {
        stdio: "ignore",
      },
    );
    try {
      await read();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const reading = await read();
      const listed = reading.top.find((p) => p.pid === busy.pid);
      expect(listed).toMatchObject({ name: "node", state: "running" });
      expect(listed?.command).toMatch(/node.* -e const end = Date\.now\(\)/);
      expect(listed?.threads).toBeGreaterThanOrEqual(1);
      // Our own child: its descriptors can be listed.
      expect(listed?.openFiles).toBeGreaterThanOrEqual(3);
      expect(listed?.memoryPercent).toBeGreaterThan(0);
      expect(listed?.memoryPercent).toBeLessThan(100);
      // One core busy of however many the machine has.
      expect(listed?.cpuPercent).toBeGreaterThan(50 / 64);
      expect(listed?.memoryBytes).toBeGreaterThan(10 * 2 ** 20);
      expect(reading.counts.total).toBeGreaterThan(1);
      expect(reading.counts.threads).toBeGreaterThanOrEqual(reading.counts.total);
    } finally {
      busy.kill("SIGKILL");
      await once(busy, "exit");
    }
  });
});
