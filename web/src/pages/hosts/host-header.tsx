import type { Host, HostSample } from "../../../../gen/pulsar/v1/host_pb";
import { TimeRangePicker } from "../../components/time-range-picker";
import { hostName } from "./host-name";
import { HOST_RANGES, type HostRange } from "./ranges";

/** HostHeaderProps are the host, its newest sample, and the range the charts show. */
export interface HostHeaderProps {
  host: Host | undefined;
  latest: HostSample | undefined;
  range: HostRange;
  onRangeChange: (range: HostRange) => void;
}

/**
 * HostHeader is the host page's title: the name it is shown by (with its hostname when they
 * differ), a shared badge, the machine in a line, and the range picker.
 */
export function HostHeader({ host, latest, range, onRangeChange }: HostHeaderProps) {
  const info = latest?.info;
  const hostname = host?.hostname || latest?.hostname || "";
  const name = host ? hostName(host) : hostname || "Host";
  const cores = info?.cores || host?.cores;
  const machine = [
    info?.os || host?.os,
    info?.kernel || host?.kernel,
    info?.arch || host?.arch,
    info?.cpuModel || host?.cpuModel,
    cores && `${cores} cores`,
  ].filter(Boolean);
  return (
    <div className="flex flex-wrap items-start justify-between gap-3">
      <div className="min-w-0">
        <h2 className="flex items-center gap-2 text-xl font-semibold">
          <span className="truncate">{name}</span>
          {hostname && name !== hostname && (
            <span className="truncate text-sm font-normal text-slate-500">{hostname}</span>
          )}
          {host?.shared && (
            <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-normal text-slate-600 dark:bg-slate-800 dark:text-slate-300">
              shared
            </span>
          )}
        </h2>
        {machine.length > 0 && (
          <p className="text-sm text-slate-500 dark:text-slate-400">{machine.join(" · ")}</p>
        )}
      </div>
      <TimeRangePicker options={HOST_RANGES} value={range} onChange={onRangeChange} />
    </div>
  );
}
