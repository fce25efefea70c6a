import type { DiskDeviceIoSample } from "../../../../gen/pulsar/v1/host_pb";
import { bytesPerSecond, opsPerSecond } from "../../lib/format";

const CELL = "px-2 py-1";
const NUMBER = `${CELL} text-right tabular-nums`;

/**
 * DiskIoDevices is each whole disk's throughput in the newest sample, busiest first as the agent
 * sends them. Hosts whose agent reads only totals (not Linux) have no per-disk figures.
 */
export function DiskIoDevices({ devices }: { devices: readonly DiskDeviceIoSample[] }) {
  if (devices.length === 0) {
    return <p className="text-sm text-slate-500">No per-disk figures reported.</p>;
  }
  return (
    <div className="-mx-2 overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">Disk I/O per disk</caption>
        <thead className="text-left text-xs text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col" className={CELL}>
              Disk
            </th>
            <th scope="col" className={`${CELL} text-right`}>
              Read
            </th>
            <th scope="col" className={`${CELL} text-right`}>
              Write
            </th>
            <th scope="col" className={`${CELL} text-right`}>
              Ops (r / w)
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {devices.map((d) => (
            <tr key={d.name}>
              <td className={`${CELL} font-mono`}>{d.name}</td>
              <td className={NUMBER}>{bytesPerSecond(d.readBytesPerSec)}</td>
              <td className={NUMBER}>{bytesPerSecond(d.writeBytesPerSec)}</td>
              <td className={NUMBER}>
                {opsPerSecond(d.readOpsPerSec)} / {opsPerSecond(d.writeOpsPerSec)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
