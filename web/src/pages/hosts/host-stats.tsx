import type { HostSample } from "../../../../gen/pulsar/v1/host_pb";
import { StatCard } from "../../components/stat-card";
import { bytes, percent } from "../../lib/format";

/**
 * HostStats are the host's headline figures from its newest sample: CPU, memory, swap,
 * network in and out, processes. Dashes until the first sample arrives.
 */
export function HostStats({ latest }: { latest: HostSample | undefined }) {
  const cpu = latest?.cpu;
  const memory = latest?.memory;
  const network = latest?.network;
  const processes = latest?.processes;
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
        value={network ? `${bytes(network.rxBytesPerSec)}/s` : none}
        hint="network in"
      />
      <StatCard
        label="Sent"
        value={network ? `${bytes(network.txBytesPerSec)}/s` : none}
        hint="network out"
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
    </dl>
  );
}

function load(value: number): string {
  return value.toFixed(2);
}
