import { readdirSync, readFileSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import {
  type DiskDeviceIoSample,
  DiskDeviceIoSampleSchema,
  type DiskIoSample,
  DiskIoSampleSchema,
} from "../../../gen/pulsar/v1/host_pb.js";
import { systeminformation } from "./systeminformation.js";

/** MAX_DISK_DEVICES is how many disks a sample lists, busiest first (the totals count all). */
export const MAX_DISK_DEVICES = 32;

// /proc/diskstats counts sectors of 512 bytes whatever the device's real sector size.
const SECTOR_BYTES = 512;

/** DiskCounters are one block device's counters since boot, from /proc/diskstats. */
export interface DiskCounters {
  name: string;
  readOps: number;
  readBytes: number;
  writeOps: number;
  writeBytes: number;
}

/**
 * parseProcDiskstats reads Linux' /proc/diskstats: "major minor name" then reads completed,
 * reads merged, sectors read, ms reading, writes completed, writes merged, sectors written…
 * (Documentation/admin-guide/iostats.rst). Lines too short to hold them are skipped.
 */
export function parseProcDiskstats(text: string): DiskCounters[] {
  const out: DiskCounters[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [readOps, readSectors, writeOps, writeSectors] = [f[3], f[5], f[7], f[9]].map(Number);
    if (![readOps, readSectors, writeOps, writeSectors].every(Number.isFinite)) continue;
    out.push({
      name: f[2] ?? "",
      readOps: readOps ?? 0,
      readBytes: (readSectors ?? 0) * SECTOR_BYTES,
      writeOps: writeOps ?? 0,
      writeBytes: (writeSectors ?? 0) * SECTOR_BYTES,
    });
  }
  return out;
}

// Devices stacked on other disks (device mapper, software RAID, network block devices over
// files) or not disks at all (loop files, RAM disks, compressed swap in RAM, optical and floppy
// drives): counting them would count the same bytes twice, or memory traffic as disk traffic.
const VIRTUAL = /^(loop|ram|zram|dm-|md|nbd|sr|fd)\d+$/;
// Partitions by name, for when /sys/block cannot be listed: sda1, vdb2, xvda1, hdc3, and
// nvme0n1p1, mmcblk0p1 (a 'p' before the number where the disk's name ends in a digit).
const PARTITION = /^((s|h|v|xv)d[a-z]+\d+|(nvme\d+n\d+|mmcblk\d+|nbd\d+)p\d+)$/;

/**
 * isWholeDisk says whether a /proc/diskstats device is a whole, physical (or virtual-machine)
 * disk: listed in /sys/block (which holds whole disks only; `wholeDisks`, when it could be
 * read) or else not named like a partition, and not a stacked or memory device (VIRTUAL).
 */
export function isWholeDisk(name: string, wholeDisks: ReadonlySet<string> | undefined): boolean {
  if (VIRTUAL.test(name)) return false;
  return wholeDisks ? wholeDisks.has(name) : !PARTITION.test(name);
}

/** DiskIoReader reads disk throughput since its previous call. */
export type DiskIoReader = () => Promise<DiskIoSample>;

const readSysBlock = (sysRoot: string): Set<string> | undefined => {
  try {
    return new Set(readdirSync(`${sysRoot}/block`));
  } catch {
    return undefined;
  }
};

/**
 * createDiskIoReader returns a reader of disk throughput (bytes and operations per second)
 * since its previous call, over all whole disks (isWholeDisk) and per disk, the busiest
 * MAX_DISK_DEVICES listed. The first call has no previous counters and reports zero, as does a
 * disk new since then; a counter that went back (a wrap on 32-bit kernels, a re-attached disk)
 * counts as zero, never negative. On Linux from `${procRoot}/diskstats` and
 * `${sysRoot}/block` (two small reads; no child process); elsewhere, or without /proc,
 * systeminformation's totals (fsStats bytes, disksIO operations) with no per-disk list.
 */
export function createDiskIoReader(
  options: { procRoot?: string; sysRoot?: string; now?: () => number } = {},
): DiskIoReader {
  const { procRoot = "/proc", sysRoot = "/sys", now = () => performance.now() } = options;
  let previous: { at: number; counters: Map<string, DiskCounters> } | undefined;
  let useProc = process.platform === "linux" || options.procRoot !== undefined;

  const readCounters = async (): Promise<DiskCounters[]> => {
    if (useProc) {
      try {
        // Synchronous: in-memory kernel files, read in microseconds (see read-proc-processes).
        const stats = parseProcDiskstats(readFileSync(`${procRoot}/diskstats`, "utf8"));
        const wholeDisks = readSysBlock(sysRoot);
        return stats.filter((d) => isWholeDisk(d.name, wholeDisks));
      } catch {
        useProc = false; // no /proc (a sandbox): systeminformation from now on
      }
    }
    return [await readTotals()];
  };

  return async () => {
    const counters = await readCounters();
    const at = now();
    const seconds = previous ? (at - previous.at) / 1000 : 0;
    const rate = (current: number, before: number | undefined) =>
      before === undefined || seconds <= 0 || !(current >= before)
        ? 0
        : (current - before) / seconds;
    const devices = counters.map((c) => {
      const before = previous?.counters.get(c.name);
      return create(DiskDeviceIoSampleSchema, {
        name: c.name,
        readBytesPerSec: rate(c.readBytes, before?.readBytes),
        writeBytesPerSec: rate(c.writeBytes, before?.writeBytes),
        readOpsPerSec: rate(c.readOps, before?.readOps),
        writeOpsPerSec: rate(c.writeOps, before?.writeOps),
      });
    });
    previous = { at, counters: new Map(counters.map((c) => [c.name, c])) };
    const sum = (f: (d: DiskDeviceIoSample) => number) => devices.reduce((s, d) => s + f(d), 0);
    const busy = (d: DiskDeviceIoSample) => d.readBytesPerSec + d.writeBytesPerSec;
    return create(DiskIoSampleSchema, {
      readBytesPerSec: sum((d) => d.readBytesPerSec),
      writeBytesPerSec: sum((d) => d.writeBytesPerSec),
      readOpsPerSec: sum((d) => d.readOpsPerSec),
      writeOpsPerSec: sum((d) => d.writeOpsPerSec),
      devices: useProc
        ? devices
            .sort((a, b) => busy(b) - busy(a) || a.name.localeCompare(b.name))
            .slice(0, MAX_DISK_DEVICES)
        : [],
    });
  };
}

// The totals systeminformation can give: bytes from fsStats, operations from disksIO (each
// null where the platform has no source, e.g. Windows: then zero).
async function readTotals(): Promise<DiskCounters> {
  const si = await systeminformation();
  const [bytes, ops] = await Promise.all([
    si.fsStats().catch(() => null),
    si.disksIO().catch(() => null),
  ]);
  return {
    name: "",
    readBytes: bytes?.rx ?? 0,
    writeBytes: bytes?.wx ?? 0,
    readOps: ops?.rIO ?? 0,
    writeOps: ops?.wIO ?? 0,
  };
}
