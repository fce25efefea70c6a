import type { HostSample } from "../../../gen/pulsar/v1/host_pb.js";
import { connection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import { timestampText } from "../../db/timestamp-text.js";
import * as q from "./host-samples.queries.js";

/** diskUsedPercent is the use of the fullest mount: the one that fills up first. */
export function diskUsedPercent(sample: HostSample): number {
  let fullest = 0;
  for (const disk of sample.disks) {
    if (disk.sizeBytes > 0) fullest = Math.max(fullest, (disk.usedBytes / disk.sizeBytes) * 100);
  }
  return fullest;
}

/**
 * insertHostSamples stores a batch in one round trip; a sample stored already is skipped. A
 * reading the sample does not hold (disk I/O, file handles) is stored as NULL (NaN on the way:
 * see InsertHostSamples), not as zero.
 */
export async function insertHostSamples(
  db: Queryable,
  samples: readonly HostSample[],
): Promise<void> {
  // Without a time a sample has no key; the sampler always sets one.
  const rows = samples.filter((s) => s.sampledAt !== undefined && s.hostId !== "");
  if (rows.length === 0) return;
  const col = <T>(f: (s: HostSample) => T): T[] => rows.map(f);
  await q.insertHostSamples.run(
    {
      hostIds: col((s) => s.hostId),
      sampledAts: col((s) => timestampText(s.sampledAt)),
      cpuPercents: col((s) => s.cpu?.totalPercent ?? 0),
      perCorePercents: col((s) => `{${(s.cpu?.perCorePercent ?? []).join(",")}}`),
      load1s: col((s) => s.cpu?.load1 ?? 0),
      load5s: col((s) => s.cpu?.load5 ?? 0),
      load15s: col((s) => s.cpu?.load15 ?? 0),
      memoryUsedBytes: col((s) => s.memory?.usedBytes ?? 0),
      memoryTotalBytes: col((s) => s.memory?.totalBytes ?? 0),
      swapUsedBytes: col((s) => s.memory?.swapUsedBytes ?? 0),
      diskUsedPercents: col(diskUsedPercent),
      rxBytesPerSec: col((s) => s.network?.rxBytesPerSec ?? 0),
      txBytesPerSec: col((s) => s.network?.txBytesPerSec ?? 0),
      processesTotal: col((s) => s.processes?.total ?? 0),
      processesRunning: col((s) => s.processes?.running ?? 0),
      processesBlocked: col((s) => s.processes?.blocked ?? 0),
      processesZombie: col((s) => s.processes?.zombie ?? 0),
      threads: col((s) => s.processes?.threads ?? 0),
      diskReadBps: col((s) => s.diskIo?.readBytesPerSec ?? Number.NaN),
      diskWriteBps: col((s) => s.diskIo?.writeBytesPerSec ?? Number.NaN),
      diskReadOps: col((s) => s.diskIo?.readOpsPerSec ?? Number.NaN),
      diskWriteOps: col((s) => s.diskIo?.writeOpsPerSec ?? Number.NaN),
      fileHandles: col((s) => s.fileHandles?.allocated ?? Number.NaN),
    },
    connection(db),
  );
}
