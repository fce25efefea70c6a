import type { DiskSample } from "../../../../gen/pulsar/v1/host_pb";
import { MeterBar } from "../../components/meter-bar";
import { bytes } from "../../lib/format";

/** DiskUsage shows each mounted filesystem's fill in the newest sample, as a bar with its %. */
export function DiskUsage({ disks }: { disks: readonly DiskSample[] }) {
  if (disks.length === 0) return <p className="text-sm text-slate-500">No disks reported yet.</p>;
  return (
    <ul className="space-y-3">
      {disks.map((disk) => (
        <li key={disk.mount}>
          <MeterBar
            label={disk.mount}
            ratio={disk.sizeBytes > 0 ? disk.usedBytes / disk.sizeBytes : 0}
            detail={`${bytes(disk.usedBytes)} of ${bytes(disk.sizeBytes)}`}
          />
        </li>
      ))}
    </ul>
  );
}
