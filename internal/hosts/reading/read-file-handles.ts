import { readFileSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import { type FileHandles, FileHandlesSchema } from "../../../gen/pulsar/v1/host_pb.js";

/**
 * parseFileNr reads /proc/sys/fs/file-nr: "allocated  unused  max". Allocated is reported less
 * the unused ones (always 0 since Linux 2.6, kept for older kernels): the handles in use.
 * Undefined for text that is not one.
 */
export function parseFileNr(text: string): FileHandles | undefined {
  const [allocated, unused, max] = text.trim().split(/\s+/).map(Number);
  if (allocated === undefined || unused === undefined || max === undefined) return undefined;
  if (![allocated, unused, max].every((n) => Number.isFinite(n) && n >= 0)) return undefined;
  return create(FileHandlesSchema, { allocated: Math.max(0, allocated - unused), max });
}

/**
 * readFileHandles reads the host's file handles in use and its limit (fs.file-max, up to
 * 2^63 - 1: a double, as in the contract) from `${procRoot}/sys/fs/file-nr`: one read of an
 * in-memory kernel file. Zero where the system does not say (not Linux, no /proc), as the
 * contract asks.
 */
export async function readFileHandles(procRoot = "/proc"): Promise<FileHandles> {
  try {
    return (
      parseFileNr(readFileSync(`${procRoot}/sys/fs/file-nr`, "utf8")) ?? create(FileHandlesSchema)
    );
  } catch {
    return create(FileHandlesSchema);
  }
}
