import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCpuReader, parseMeminfo, parseProcStatCpus } from "./read-cpu-memory.js";
import { parseProcMounts, readDisks, selectDisks } from "./read-disks.js";
import { parseFileNr, readFileHandles } from "./read-file-handles.js";
import { linuxOsName } from "./read-info.js";
import { parseProcNetDev } from "./read-network.js";
import { readProcesses } from "./read-processes.js";

const GiB = 2 ** 30;

describe("selectDisks", () => {
  it("keeps real filesystems once each and skips virtual, memory-backed and empty ones", () => {
    const disks = selectDisks([
      { fs: "/dev/sda1", type: "ext4", size: 100 * GiB, used: 40 * GiB, mount: "/" },
      { fs: "/dev/sda1", type: "ext4", size: 100 * GiB, used: 40 * GiB, mount: "/etc/hosts" },
      { fs: "/dev/sdb1", type: "xfs", size: 500 * GiB, used: 10 * GiB, mount: "/data" },
      { fs: "tmpfs", type: "tmpfs", size: 8 * GiB, used: 0, mount: "/dev/shm" },
      { fs: "overlay", type: "overlay", size: 100 * GiB, used: 40 * GiB, mount: "/var/lib/x" },
      { fs: "/dev/loop3", type: "squashfs", size: GiB, used: GiB, mount: "/snap/core/1" },
      { fs: "/dev/sdc", type: "ext4", size: 0, used: 0, mount: "/empty" },
    ]);
    expect(disks.map((d) => [d.mount, d.fsType])).toEqual([
      ["/", "ext4"],
      ["/data", "xfs"],
    ]);
    expect(disks[0]?.usedBytes).toBe(40 * GiB);
  });

  it("falls back to the root mount when only an overlay is left, as in a container", () => {
    const disks = selectDisks([
      { fs: "overlay", type: "overlay", size: 100 * GiB, used: 40 * GiB, mount: "/" },
      { fs: "tmpfs", type: "tmpfs", size: GiB, used: 0, mount: "/dev" },
    ]);
    expect(disks.map((d) => d.mount)).toEqual(["/"]);
  });
});

describe("parseProcNetDev", () => {
  it("reads the receive and transmit byte counters of each interface", () => {
    const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 7487326853 1000    0    0    0     0          0         0 7487326853 1000    0    0    0     0       0          0
  eth0: 1191980775  900    0    0    0     0          0         0  2327370  800    0    0    0     0       0          0
`;
    expect(parseProcNetDev(text)).toEqual([
      { name: "lo", rxBytes: 7487326853, txBytes: 7487326853 },
      { name: "eth0", rxBytes: 1191980775, txBytes: 2327370 },
    ]);
  });
});

describe("parseProcStatCpus", () => {
  it("counts busy ticks as top does: not idle nor iowait, guest once (inside user)", () => {
    const text = `cpu  100 10 50 1000 40 5 5 2 30 0
cpu0 60 5 25 500 20 3 2 1 30 0
cpu1 40 5 25 500 20 2 3 1 0 0
intr 12345
`;
    expect(parseProcStatCpus(text)).toEqual([
      { busy: 172, total: 1212 },
      { busy: 96, total: 616 },
      { busy: 76, total: 596 },
    ]);
  });
});

describe("createCpuReader", () => {
  it("reports use since its previous call, in total and per core", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pulsar-cpu-"));
    const path = join(dir, "stat");
    try {
      await writeFile(path, "cpu  0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0\n");
      const read = createCpuReader(path);
      await read();
      // Core 0 fully busy, core 1 idle, over 100 ticks each.
      await writeFile(
        path,
        "cpu  100 0 0 100 0 0 0 0\ncpu0 100 0 0 0 0 0 0 0\ncpu1 0 0 0 100 0 0 0 0\n",
      );
      const sample = await read();
      if (process.platform !== "linux") return; // elsewhere systeminformation answers
      expect(sample.totalPercent).toBe(50);
      expect(sample.perCorePercent).toEqual([100, 0]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("parseProcMounts", () => {
  it("reads device, mount point and type, with escaped spaces", () => {
    const text =
      "/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /mnt/my\\040disk xfs rw 0 0\nproc /proc proc rw 0 0\n";
    expect(parseProcMounts(text)).toEqual([
      { fs: "/dev/sda1", mount: "/", type: "ext4" },
      { fs: "/dev/sdb1", mount: "/mnt/my disk", type: "xfs" },
      { fs: "proc", mount: "/proc", type: "proc" },
    ]);
  });
});

describe("readDisks", () => {
  it("measures this machine's root filesystem", async () => {
    const disks = await readDisks();
    expect(disks.length).toBeGreaterThan(0);
    for (const disk of disks) {
      expect(disk.sizeBytes).toBeGreaterThan(0);
      expect(disk.usedBytes).toBeLessThanOrEqual(disk.sizeBytes);
    }
  });
});

describe("parseMeminfo", () => {
  it("counts used memory as total minus available, and swap in use", () => {
    const text = `MemTotal:        8000000 kB
MemFree:          500000 kB
MemAvailable:    6000000 kB
Buffers:          100000 kB
Cached:          4000000 kB
SwapCached:            0 kB
SwapTotal:       2000000 kB
SwapFree:        1500000 kB
`;
    expect(parseMeminfo(text)).toMatchObject({
      totalBytes: 8000000 * 1024,
      usedBytes: 2000000 * 1024,
      availableBytes: 6000000 * 1024,
      swapTotalBytes: 2000000 * 1024,
      swapUsedBytes: 500000 * 1024,
    });
  });
});

describe("linuxOsName", () => {
  it.each([
    [
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n',
      "Debian GNU/Linux 12",
    ],
    ["NAME=Ubuntu\nVERSION_ID='24.04'\n", "Ubuntu 24.04"],
    ['NAME="Arch Linux"\nBUILD_ID=rolling\n', "Arch Linux"],
    ["", "Linux"],
  ])("reads NAME and VERSION_ID of %j", (file, name) => {
    expect(linuxOsName(file)).toBe(name);
  });
});

describe("parseFileNr", () => {
  it("reads the handles in use and the limit, which may be as large as 2^63 - 1", () => {
    expect(parseFileNr("788\t0\t2466248\n")).toMatchObject({ allocated: 788, max: 2466248 });
    expect(parseFileNr("1024\t24\t9223372036854775807\n")).toMatchObject({
      allocated: 1000,
      max: 2 ** 63,
    });
    expect(parseFileNr("garbage")).toBeUndefined();
    expect(parseFileNr("")).toBeUndefined();
  });
});

describe("readFileHandles", () => {
  it("reads a fixture /proc, and answers zeros where there is no file-nr", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pulsar-filenr-"));
    try {
      await mkdir(join(dir, "sys", "fs"), { recursive: true });
      await writeFile(join(dir, "sys", "fs", "file-nr"), "4242\t0\t100000\n");
      expect(await readFileHandles(dir)).toMatchObject({ allocated: 4242, max: 100000 });
      expect(await readFileHandles(join(dir, "missing"))).toMatchObject({ allocated: 0, max: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.runIf(process.platform === "linux")(
    "counts this machine's handles in use, under its limit",
    async () => {
      const handles = await readFileHandles();
      expect(handles.allocated).toBeGreaterThan(0);
      expect(handles.max).toBeGreaterThan(handles.allocated);
    },
  );
});

describe("readProcesses (systeminformation, the path off Linux)", () => {
  it("fills the command line and memory share it can, and marks open files as not countable", async () => {
    const reading = await readProcesses();
    expect(reading.top.length).toBeGreaterThan(0);
    for (const p of reading.top) {
      expect(p.openFiles).toBe(-1);
      expect(p.memoryPercent).toBeGreaterThanOrEqual(0);
      expect(p.memoryPercent).toBeLessThanOrEqual(100);
      expect(p.command.length).toBeLessThanOrEqual(200);
    }
    expect(reading.top.some((p) => p.command !== "" && p.memoryPercent > 0)).toBe(true);
  });
});
