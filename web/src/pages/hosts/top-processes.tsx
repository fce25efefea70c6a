import { useState } from "react";
import type { ProcessInfo } from "../../../../gen/pulsar/v1/host_pb";
import { bytes, count } from "../../lib/format";
import { BY_CPU, nextSort, sortProcesses } from "./process-sort";
import { SortHeader } from "./sort-header";

const CELL = "px-2 py-1.5";
const NUMBER = `${CELL} text-right tabular-nums`;

/**
 * TopProcesses is the table of the processes using the most CPU in the newest sample, sortable
 * by CPU or memory. The command line sits under the name, cut to the width with the whole of it
 * in a tooltip, so that a dozen "node" processes can be told apart.
 */
export function TopProcesses({ processes }: { processes: readonly ProcessInfo[] }) {
  const [sort, setSort] = useState(BY_CPU);
  if (processes.length === 0) {
    return <p className="text-sm text-slate-500">No processes reported yet.</p>;
  }
  const onSort = (key: "cpu" | "memory") => setSort((held) => nextSort(held, key));
  return (
    <div className="-mx-2 overflow-x-auto">
      <table className="w-full table-fixed text-sm">
        <caption className="sr-only">Top processes by CPU use</caption>
        <thead className="text-left text-xs text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col" className={`${CELL} w-[40%]`}>
              Name
            </th>
            <th scope="col" className={`${CELL} w-16 text-right`}>
              PID
            </th>
            <SortHeader column="cpu" label="CPU" sort={sort} onSort={onSort} className={NUMBER} />
            <SortHeader
              column="memory"
              label="Memory"
              sort={sort}
              onSort={onSort}
              className={`${NUMBER} w-32`}
            />
            <th scope="col" className={`${CELL} hidden text-right md:table-cell`}>
              Threads
            </th>
            <th scope="col" className={`${CELL} hidden text-right md:table-cell`}>
              Open files
            </th>
            <th scope="col" className={`${CELL} hidden sm:table-cell`}>
              State
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {sortProcesses(processes, sort).map((p) => (
            <ProcessRow key={p.pid} process={p} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ProcessRow({ process: p }: { process: ProcessInfo }) {
  return (
    <tr>
      <td className={CELL} title={p.command || p.name}>
        <span className="block truncate font-mono">{p.name}</span>
        {p.command && (
          <span className="block truncate font-mono text-xs text-slate-500 dark:text-slate-400">
            {p.command}
          </span>
        )}
      </td>
      <td className={NUMBER}>{p.pid}</td>
      <td className={NUMBER}>{p.cpuPercent.toFixed(1)} %</td>
      <td className={NUMBER}>
        {bytes(p.memoryBytes)}
        {p.memoryPercent > 0 && (
          <span className="block text-xs text-slate-500 dark:text-slate-400">
            {p.memoryPercent.toFixed(1)} %
          </span>
        )}
      </td>
      <td className={`${NUMBER} hidden md:table-cell`}>{p.threads > 0 ? count(p.threads) : "—"}</td>
      {/* -1: the agent may not list another user's descriptors; zero would be a false figure. */}
      <td className={`${NUMBER} hidden md:table-cell`}>
        {p.openFiles < 0 ? "—" : count(p.openFiles)}
      </td>
      <td className={`${CELL} hidden sm:table-cell`}>{p.state}</td>
    </tr>
  );
}
