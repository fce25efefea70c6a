import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { create } from "@bufbuild/protobuf";
import { type NetworkSample, NetworkSampleSchema } from "../../../gen/pulsar/v1/host_pb.js";
import { systeminformation } from "./systeminformation.js";

/** InterfaceCounters are the byte counters of one interface since boot. */
export interface InterfaceCounters {
  name: string;
  rxBytes: number;
  txBytes: number;
}

/**
 * parseProcNetDev reads Linux' /proc/net/dev: after two header lines, "name: rx_bytes and 7
 * more receive fields, then tx_bytes ..." per interface.
 */
export function parseProcNetDev(text: string): InterfaceCounters[] {
  const out: InterfaceCounters[] = [];
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    out.push({
      name: line.slice(0, colon).trim(),
      rxBytes: fields[0] ?? 0,
      txBytes: fields[8] ?? 0,
    });
  }
  return out;
}

// On Linux one file read holds every interface; systeminformation would spawn a shell running
// cat per interface on each call, which is most of the sampler's cost at a 2 s interval.
async function readCounters(): Promise<InterfaceCounters[]> {
  if (process.platform === "linux") {
    try {
      // Synchronous: an in-memory kernel file, read in microseconds (see read-proc-processes).
      return parseProcNetDev(readFileSync("/proc/net/dev", "utf8"));
    } catch {
      // No /proc (a sandbox): fall through to systeminformation.
    }
  }
  const stats = await (await systeminformation()).networkStats("*");
  return stats.map((s) => ({ name: s.iface, rxBytes: s.rx_bytes, txBytes: s.tx_bytes }));
}

const isLoopback = (name: string, addresses: ReturnType<typeof networkInterfaces>): boolean =>
  /^lo\d*$/.test(name) || (addresses[name]?.every((a) => a.internal) ?? false);

/** NetworkReader turns counters into throughput since its previous call. */
export type NetworkReader = () => Promise<NetworkSample>;

/**
 * createNetworkReader returns a reader of throughput per interface and in total (loopback is
 * listed but not counted: it is traffic the host sends itself). The first call has no previous
 * counters and reports zero rates; a counter that went back (an interface reset) counts as zero.
 */
export function createNetworkReader(now: () => number = () => performance.now()): NetworkReader {
  let previous: { at: number; counters: Map<string, InterfaceCounters> } | undefined;
  return async () => {
    const counters = await readCounters();
    const at = now();
    const seconds = previous ? (at - previous.at) / 1000 : 0;
    const rate = (current: number, before: number | undefined) =>
      before === undefined || seconds <= 0 || current < before ? 0 : (current - before) / seconds;
    const interfaces = counters.map((c) => {
      const before = previous?.counters.get(c.name);
      return {
        name: c.name,
        rxBytesPerSec: rate(c.rxBytes, before?.rxBytes),
        txBytesPerSec: rate(c.txBytes, before?.txBytes),
      };
    });
    previous = { at, counters: new Map(counters.map((c) => [c.name, c])) };
    // One getifaddrs(3) per sample, not one per interface.
    const addresses = networkInterfaces();
    const counted = interfaces.filter((i) => !isLoopback(i.name, addresses));
    return create(NetworkSampleSchema, {
      rxBytesPerSec: counted.reduce((sum, i) => sum + i.rxBytesPerSec, 0),
      txBytesPerSec: counted.reduce((sum, i) => sum + i.txBytesPerSec, 0),
      interfaces,
    });
  };
}
