import { create } from "@bufbuild/protobuf";
import si from "systeminformation";
import { type DiskSample, DiskSampleSchema } from "../../gen/pulsar/v1/host_pb.js";

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
  return selectDisks(await si.fsSize());
}
