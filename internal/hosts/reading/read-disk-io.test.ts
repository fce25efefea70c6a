import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDiskIoReader,
  isWholeDisk,
  MAX_DISK_DEVICES,
  parseProcDiskstats,
} from "./read-disk-io.js";

/** diskstatsLine is one /proc/diskstats line (kernel 5.5+: 17 counters after the name). */
const diskstatsLine = (
  major: number,
  minor: number,
  name: string,
  c: { reads: number; readSectors: number; writes: number; writeSectors: number },
) =>
  `${String(major).padStart(4)} ${String(minor).padStart(7)} ${name} ${c.reads} 0 ${c.readSectors} 10 ${c.writes} 0 ${c.writeSectors} 20 0 30 40 0 0 0 0 0 0`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pulsar-diskio-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** fixture writes a /proc and /sys tree of its own: diskstats and the whole disks of /sys/block. */
async function fixture(name: string, wholeDisks: string[] | undefined) {
  const procRoot = join(dir, name, "proc");
  const sysRoot = join(dir, name, "sys");
  await mkdir(procRoot, { recursive: true });
  if (wholeDisks) {
    for (const disk of wholeDisks) await mkdir(join(sysRoot, "block", disk), { recursive: true });
  }
  let at = 0;
  const reader = createDiskIoReader({ procRoot, sysRoot, now: () => at });
  return {
    /** read writes diskstats, moves the clock to atMs and reads. */
    async read(lines: string[], atMs: number) {
      await writeFile(join(procRoot, "diskstats"), `${lines.join("\n")}\n`);
      at = atMs;
      return reader();
    },
  };
}

describe("parseProcDiskstats", () => {
  it("reads operations and bytes (512-byte sectors) of every device, old and new formats", () => {
    const text = [
      "   8       0 sda 100 5 2000 50 40 3 800 60 0 70 110",
      " 259       0 nvme0n1 7 0 16 1 9 0 24 2 0 3 3 0 0 0 0 0 0",
      "short line",
      "",
    ].join("\n");
    expect(parseProcDiskstats(text)).toEqual([
      { name: "sda", readOps: 100, readBytes: 2000 * 512, writeOps: 40, writeBytes: 800 * 512 },
      { name: "nvme0n1", readOps: 7, readBytes: 16 * 512, writeOps: 9, writeBytes: 24 * 512 },
    ]);
  });
});

describe("isWholeDisk", () => {
  it("keeps the disks /sys/block lists and leaves out stacked, memory and loop devices", () => {
    const sysBlock = new Set(["sda", "nvme0n1", "loop0", "dm-0", "md127", "zram0", "vda"]);
    const kept = ["sda", "sda1", "nvme0n1", "nvme0n1p2", "loop0", "dm-0", "md127", "zram0", "vda"]
      .filter((name) => isWholeDisk(name, sysBlock))
      .sort();
    expect(kept).toEqual(["nvme0n1", "sda", "vda"]);
  });

  it("tells partitions by name when /sys/block cannot be read", () => {
    const names = ["sda", "sda1", "xvdb", "xvdb3", "nvme1n1", "nvme1n1p1", "mmcblk0", "mmcblk0p2"];
    expect(names.filter((name) => isWholeDisk(name, undefined))).toEqual([
      "sda",
      "xvdb",
      "nvme1n1",
      "mmcblk0",
    ]);
    expect(isWholeDisk("ram0", undefined)).toBe(false);
    expect(isWholeDisk("dm-3", undefined)).toBe(false);
  });
});

describe("createDiskIoReader on a fixture /proc", () => {
  it("primes on the first reading, then reports rates of whole disks since the previous one", async () => {
    const disks = await fixture("rates", ["sda", "sdb", "loop0", "dm-0"]);
    const zero = { reads: 0, readSectors: 0, writes: 0, writeSectors: 0 };
    const first = await disks.read(
      [
        diskstatsLine(8, 0, "sda", {
          reads: 1000,
          readSectors: 50_000,
          writes: 10,
          writeSectors: 80,
        }),
        diskstatsLine(8, 1, "sda1", {
          reads: 990,
          readSectors: 49_000,
          writes: 10,
          writeSectors: 80,
        }),
        diskstatsLine(8, 16, "sdb", zero),
        diskstatsLine(7, 0, "loop0", zero),
        diskstatsLine(253, 0, "dm-0", zero),
      ],
      1000,
    );
    expect(first.readBytesPerSec).toBe(0);
    expect(first.writeOpsPerSec).toBe(0);
    expect(first.devices.map((d) => d.name)).toEqual(["sda", "sdb"]);

    // Two seconds later: sda read 100 ops of 2048 sectors; sdb wrote 10 ops of 4096 sectors;
    // the partition and the stacked devices moved too, and must not count a second time.
    const second = await disks.read(
      [
        diskstatsLine(8, 0, "sda", {
          reads: 1100,
          readSectors: 52_048,
          writes: 10,
          writeSectors: 80,
        }),
        diskstatsLine(8, 1, "sda1", {
          reads: 1090,
          readSectors: 51_048,
          writes: 10,
          writeSectors: 80,
        }),
        diskstatsLine(8, 16, "sdb", { reads: 0, readSectors: 0, writes: 10, writeSectors: 4096 }),
        diskstatsLine(7, 0, "loop0", { reads: 9, readSectors: 9999, writes: 0, writeSectors: 0 }),
        diskstatsLine(253, 0, "dm-0", {
          reads: 99,
          readSectors: 99999,
          writes: 0,
          writeSectors: 0,
        }),
      ],
      3000,
    );
    expect(second).toMatchObject({
      readBytesPerSec: (2048 * 512) / 2,
      writeBytesPerSec: (4096 * 512) / 2,
      readOpsPerSec: 50,
      writeOpsPerSec: 5,
    });
    // Busiest first: sdb moved 2 MiB, sda 1 MiB.
    expect(second.devices.map((d) => [d.name, d.readBytesPerSec, d.writeBytesPerSec])).toEqual([
      ["sdb", 0, 1024 * 1024],
      ["sda", 512 * 1024, 0],
    ]);
  });

  it("counts a counter that went back (a wrap, a re-attached disk) as zero, never negative", async () => {
    const disks = await fixture("wrap", ["sda"]);
    const big = {
      reads: 2 ** 32 - 10,
      readSectors: 2 ** 32 - 100,
      writes: 500,
      writeSectors: 9000,
    };
    await disks.read([diskstatsLine(8, 0, "sda", big)], 0);
    const after = await disks.read(
      [diskstatsLine(8, 0, "sda", { reads: 5, readSectors: 50, writes: 600, writeSectors: 9000 })],
      1000,
    );
    expect(after).toMatchObject({ readBytesPerSec: 0, readOpsPerSec: 0, writeOpsPerSec: 100 });
    expect(after.devices[0]?.readBytesPerSec).toBe(0);
  });

  it("lists at most MAX_DISK_DEVICES disks, the busiest, while the totals count them all", async () => {
    const names = Array.from(
      { length: 40 },
      (_, i) => `vd${String.fromCharCode(97 + (i % 26))}${i >= 26 ? "x" : ""}`,
    );
    const disks = await fixture("many", names);
    const lines = (writes: (i: number) => number) =>
      names.map((name, i) =>
        diskstatsLine(254, i * 16, name, {
          reads: 0,
          readSectors: 0,
          writes: writes(i),
          writeSectors: writes(i),
        }),
      );
    await disks.read(
      lines(() => 0),
      0,
    );
    // Disk i writes i sectors in one second.
    const reading = await disks.read(
      lines((i) => i),
      1000,
    );
    expect(reading.devices).toHaveLength(MAX_DISK_DEVICES);
    expect(reading.devices[0]?.writeBytesPerSec).toBe(39 * 512);
    expect(reading.devices.at(-1)?.writeBytesPerSec).toBe(8 * 512);
    expect(reading.writeBytesPerSec).toBe(((39 * 40) / 2) * 512);
  });

  it("falls back to partition names without /sys/block", async () => {
    const disks = await fixture("no-sys", undefined);
    const c = { reads: 1, readSectors: 1, writes: 1, writeSectors: 1 };
    const reading = await disks.read(
      [diskstatsLine(259, 0, "nvme0n1", c), diskstatsLine(259, 1, "nvme0n1p1", c)],
      0,
    );
    expect(reading.devices.map((d) => d.name)).toEqual(["nvme0n1"]);
  });
});

describe.runIf(process.platform === "linux")("createDiskIoReader on this machine", () => {
  it("lists this machine's whole disks (or says none exists) with sane rates", async () => {
    const read = createDiskIoReader();
    await read();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const reading = await read();
    // The whole disks /sys/block lists, less the stacked and memory devices.
    const expected = (await readdir("/sys/block")).filter((name) =>
      isWholeDisk(name, new Set([name])),
    );
    expect(reading.devices.map((d) => d.name).sort()).toEqual(
      expected.sort().slice(0, MAX_DISK_DEVICES),
    );
    for (const value of [
      reading.readBytesPerSec,
      reading.writeBytesPerSec,
      reading.readOpsPerSec,
      reading.writeOpsPerSec,
    ]) {
      expect(Number.isFinite(value) && value >= 0).toBe(true);
    }
  });
});
