import type { RpcStats } from "../../../../gen/pulsar/v1/system_pb";
import { ms } from "../../lib/format";
import { rate } from "./format-rate";

const CELL = "px-2 py-1.5";
const NUMBER = `${CELL} text-right tabular-nums`;

/** RpcTable lists the API's RPCs by method, busiest first: rate, errors, latency. */
export function RpcTable({ rpcs }: { rpcs: readonly RpcStats[] }) {
  if (rpcs.length === 0) {
    return <p className="text-sm text-slate-500">No RPCs in the window.</p>;
  }
  return (
    <div className="-mx-2 overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">RPCs by method</caption>
        <thead className="text-left text-xs text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col" className={CELL}>
              Method
            </th>
            <th scope="col" className={`${NUMBER} w-24`}>
              Rate
            </th>
            <th scope="col" className={`${NUMBER} w-24`}>
              Errors
            </th>
            <th scope="col" className={`${NUMBER} w-24`}>
              p50
            </th>
            <th scope="col" className={`${NUMBER} w-24`}>
              p99
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {rpcs.map((r) => (
            <tr key={r.method}>
              <td className={`${CELL} break-all font-mono text-xs`}>{r.method}</td>
              <td className={NUMBER}>{rate(r.perSecond)}</td>
              <td
                className={`${NUMBER} ${r.errorsPerSecond > 0 ? "text-red-600 dark:text-red-400" : ""}`}
              >
                {rate(r.errorsPerSecond)}
              </td>
              <td className={NUMBER}>{ms(r.p50Ms)}</td>
              <td className={NUMBER}>{ms(r.p99Ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
