import { readFile, statfs } from "node:fs/promises";
import { create } from "@bufbuild/protobuf";
import { type DiskSample, DiskSampleSchema } from "../../../gen/pulsar/v1/host_pb.js";
import { systeminformation } from "./systeminformation.js";

// Memory-backed, virtual, read-only image and container-layer filesystems: none of them is a
// disk that fills up.
const VIRTUAL_TYPES = new Set([
  "autofs",
  "binfmt_misc",
  "bpf",
  "cgroup",
  "cgroup2",
  "configfs",
  "debugfs",
  "devfs",
  "devpts",
  "devtmpfs",
  "efivarfs",
  "fusectl",
  "fuse.lxcfs",
  "fuse.snapfuse",
  "hugetlbfs",
  "iso9660",
  "mqueue",
  "nsfs",
  "overlay",
  "overlayfs",
  "proc",
  "pstore",
  "ramfs",
  "rpc_pipefs",
  "securityfs",
  "squashfs",
  "sysfs",
  "tmpfs",
  "tracefs",
  "udf",
  "aufs",
  "nullfs",
  "map",
]);

/** FsEntry is what readDisks needs from systeminformation's fsSize(). */
export interface FsEntry {
  fs: string;
  type: string;
  size: number;
  used: number;
  mount: string;
}

/**
 * selectDisks keeps real filesystems: no virtual or memory-backed types, no empty ones, and
 * each device once (bind mounts repeat it; the shortest mount path is kept). If that leaves
 * nothing (a container whose root is an overlay), the root mount is kept whatever its type, so
 * the fullness of the disk the host runs on is still seen.
 */
export function selectDisks(entries: readonly FsEntry[]): DiskSample[] {
  const byDevice = new Map<string, FsEntry>();
  for (const entry of entries) {
    if (VIRTUAL_TYPES.has(entry.type.toLowerCase()) || !(entry.size > 0)) continue;
    const seen = byDevice.get(entry.fs);
    if (!seen || entry.mount.length < seen.mount.length) byDevice.set(entry.fs, entry);
  }
  let kept = [...byDevice.values()];
  if (kept.length === 0) kept = entries.filter((e) => e.mount === "/" && e.size > 0).slice(0, 1);
  return kept
    .sort((a, b) => a.mount.localeCompare(b.mount))
    .map((e) =>
      create(DiskSampleSchema, {
        mount: e.mount,
        fsType: e.type,
        sizeBytes: e.size,
        usedBytes: Math.min(e.used, e.size),
      }),
    );
}

/** readDisks lists the mounted real filesystems with their size and use. */
export async function readDisks(): Promise<DiskSample[]> {
  if (process.platform === "linux") {
    try {
      return selectDisks(await readProcMounts());
    } catch {
      // No /proc (a sandbox): fall through to systeminformation.
    }
  }
  return selectDisks(await (await systeminformation()).fsSize());
}

/** parseProcMounts reads /proc/mounts: device, mount point and type ("\040" is a space). */
export function parseProcMounts(text: string): { fs: string; mount: string; type: string }[] {
  const decodeOctal = (field: string) =>
    field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
      String.fromCharCode(Number.parseInt(octal, 8)),
    );
  return text
    .split("\n")
    .map((line) => line.split(" "))
    .filter((fields) => fields.length >= 3)
    .map(([fs = "", mount = "", type = ""]) => ({
      fs: decodeOctal(fs),
      mount: decodeOctal(mount),
      type,
    }));
}

/**
 * readProcMounts measures each mounted filesystem with statfs(2), as df does, without running
 * df (systeminformation runs `cat /proc/mounts` synchronously and then df in a shell). Virtual
 * types are skipped before measuring, and mounts are measured one at a time: a hung network
 * mount then holds one libuv thread, not all of them.
 */
async function readProcMounts(): Promise<FsEntry[]> {
  const mounts = parseProcMounts(await readFile("/proc/mounts", "utf8"));
  const entries: FsEntry[] = [];
  for (const m of mounts) {
    if (VIRTUAL_TYPES.has(m.type.toLowerCase())) continue;
    const stats = await statfs(m.mount).catch(() => undefined);
    if (!stats) continue;
    entries.push({
      ...m,
      size: stats.blocks * stats.bsize,
      used: (stats.blocks - stats.bfree) * stats.bsize,
    });
  }
  // A container's root is an overlay: selectDisks falls back to it, so it must be measured.
  if (!entries.some((e) => e.mount === "/")) {
    const root = mounts.find((m) => m.mount === "/");
    const stats = root && (await statfs("/").catch(() => undefined));
    if (root && stats) {
      entries.push({
        ...root,
        size: stats.blocks * stats.bsize,
        used: (stats.blocks - stats.bfree) * stats.bsize,
      });
    }
  }
  return entries;
}
