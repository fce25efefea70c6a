import type { ProcessInfo } from "../../../../gen/pulsar/v1/host_pb";
import { bytes } from "../../lib/format";

/** TopProcesses is the table of the processes using the most CPU in the newest sample. */
export function TopProcesses({ processes }: { processes: readonly ProcessInfo[] }) {
  if (processes.length === 0) {
    return <p className="text-sm text-slate-500">No processes reported yet.</p>;
  }
  const cell = "px-2 py-1.5";
  return (
    <div className="-mx-2 overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">Top processes by CPU use</caption>
        <thead className="text-left text-xs text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col" className={cell}>
              Name
            </th>
            <th scope="col" className={`${cell} text-right`}>
              PID
            </th>
            <th scope="col" className={`${cell} text-right`}>
              CPU
            </th>
            <th scope="col" className={`${cell} text-right`}>
              Memory
            </th>
            <th scope="col" className={`${cell} hidden sm:table-cell`}>
              State
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {processes.map((p) => (
            <tr key={p.pid}>
              <td className={`${cell} max-w-48 truncate font-mono`} title={p.name}>
                {p.name}
              </td>
              <td className={`${cell} text-right tabular-nums`}>{p.pid}</td>
              <td className={`${cell} text-right tabular-nums`}>{p.cpuPercent.toFixed(1)} %</td>
              <td className={`${cell} text-right tabular-nums`}>{bytes(p.memoryBytes)}</td>
              <td className={`${cell} hidden sm:table-cell`}>{p.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
