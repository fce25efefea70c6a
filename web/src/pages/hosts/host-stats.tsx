import type { HostSample } from "../../../../gen/pulsar/v1/host_pb";
import { StatCard } from "../../components/stat-card";
import { bytes, bytesPerSecond, count, opsPerSecond, percent } from "../../lib/format";

/**
 * HostStats are the host's headline figures from its newest sample: CPU, memory, swap,
 * network in and out, disk reads and writes, processes and threads, and open file handles.
 * Dashes until the first sample arrives.
 */
export function HostStats({ latest }: { latest: HostSample | undefined }) {
  const cpu = latest?.cpu;
  const memory = latest?.memory;
  const network = latest?.network;
  const processes = latest?.processes;
  const io = latest?.diskIo;
  const handles = latest?.fileHandles;
  const none = "—";
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
      <StatCard
        label="CPU"
        value={cpu ? percent(cpu.totalPercent / 100, 1) : none}
        tone={cpu && cpu.totalPercent >= 90 ? "bad" : "default"}
        hint={cpu ? `load ${[cpu.load1, cpu.load5, cpu.load15].map(load).join(" · ")}` : undefined}
      />
      <StatCard
        label="Memory"
        value={memory?.totalBytes ? percent(memory.usedBytes / memory.totalBytes, 1) : none}
        hint={memory ? `${bytes(memory.usedBytes)} of ${bytes(memory.totalBytes)}` : undefined}
      />
      <StatCard
        label="Swap"
        value={
          memory === undefined
            ? none
            : memory.swapTotalBytes > 0
              ? percent(memory.swapUsedBytes / memory.swapTotalBytes, 1)
              : "none"
        }
        hint={
          memory && memory.swapTotalBytes > 0
            ? `${bytes(memory.swapUsedBytes)} of ${bytes(memory.swapTotalBytes)}`
            : undefined
        }
      />
      <StatCard
        label="Received"
        value={network ? bytesPerSecond(network.rxBytesPerSec) : none}
        hint="network in"
      />
      <StatCard
        label="Sent"
        value={network ? bytesPerSecond(network.txBytesPerSec) : none}
        hint="network out"
      />
      <StatCard
        label="Disk read"
        value={io ? bytesPerSecond(io.readBytesPerSec) : none}
        hint={io ? `${opsPerSecond(io.readOpsPerSec)} reads` : undefined}
      />
      <StatCard
        label="Disk write"
        value={io ? bytesPerSecond(io.writeBytesPerSec) : none}
        hint={io ? `${opsPerSecond(io.writeOpsPerSec)} writes` : undefined}
      />
      <StatCard
        label="Processes"
        value={processes ? String(processes.total) : none}
        tone={processes && processes.zombie > 0 ? "warn" : "default"}
        hint={
          processes
            ? `${processes.threads} threads${processes.zombie > 0 ? ` · ${processes.zombie} zombie` : ""}`
            : undefined
        }
      />
      <StatCard
        label="File handles"
        value={handles?.allocated ? count(handles.allocated) : none}
        hint={handles?.allocated ? handleLimit(handles.max) : undefined}
      />
    </dl>
  );
}

// fs.file-max is often 2^63 - 1 ("no limit"): a 19-digit figure tells nobody anything.
const NO_REAL_LIMIT = 2 ** 53;

function handleLimit(max: number): string {
  if (max <= 0) return "open";
  return max >= NO_REAL_LIMIT ? "open, no set limit" : `open of ${count(max)}`;
}

function load(value: number): string {
  return value.toFixed(2);
}
