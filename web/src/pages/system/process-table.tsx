import type { ProcessStats } from "../../../../gen/pulsar/v1/system_pb";
import { ago, bytes, ms, timestampMs } from "../../lib/format";

const CELL = "px-2 py-1.5";
const NUMBER = `${CELL} text-right tabular-nums`;

/** ProcessTable lists the API processes and workers that publish their figures. */
export function ProcessTable({
  processes,
  nowMs,
}: {
  processes: readonly ProcessStats[];
  nowMs: number;
}) {
  if (processes.length === 0) {
    return (
      <p className="text-sm text-slate-500">
        No process has published its figures in the last 30 seconds.
      </p>
    );
  }
  return (
    <div className="-mx-2 overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">Processes</caption>
        <thead className="text-left text-xs text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col" className={`${CELL} w-20`}>
              Kind
            </th>
            <th scope="col" className={CELL}>
              Process
            </th>
            <th scope="col" className={`${NUMBER} w-24`}>
              CPU
            </th>
            <th scope="col" className={`${NUMBER} w-28`}>
              Memory
            </th>
            <th scope="col" className={`${NUMBER} w-28`}>
              Loop lag p99
            </th>
            <th scope="col" className={`${NUMBER} hidden w-28 sm:table-cell`}>
              Published
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {processes.map((p) => (
            <tr key={`${p.kind} ${p.id}`}>
              <td className={CELL}>{p.kind === "api" ? "API" : "Worker"}</td>
              <td className={`${CELL} break-all font-mono text-xs`}>{p.id}</td>
              <td className={NUMBER}>{p.cpuPercent.toFixed(1)} %</td>
              <td className={NUMBER}>{bytes(p.residentBytes)}</td>
              <td
                className={`${NUMBER} ${p.eventLoopLagP99Ms > 100 ? "text-amber-600 dark:text-amber-400" : ""}`}
              >
                {ms(p.eventLoopLagP99Ms)}
              </td>
              <td className={`${NUMBER} hidden sm:table-cell`}>
                {ago(timestampMs(p.publishedAt), nowMs)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
