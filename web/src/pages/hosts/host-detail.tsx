import type { Host, HostSample } from "../../../../gen/pulsar/v1/host_pb";
import { FormError } from "../../components/form";
import { Spinner } from "../../components/spinner";
import { TimeRangePicker } from "../../components/time-range-picker";
import { timestampMs } from "../../lib/format";
import type { RequestState } from "../../lib/use-request";
import { CoreBars } from "./core-bars";
import { DiskUsage } from "./disk-usage";
import { HistoryCharts } from "./history-charts";
import type { HistoryRow } from "./history-rows";
import { HostStats } from "./host-stats";
import { LiveCharts } from "./live-charts";
import { sampleTime } from "./live-window";
import { Panel } from "./panel";
import { HOST_RANGES, type HostRange } from "./ranges";
import { StatusBanner } from "./status-banner";
import { TopProcesses } from "./top-processes";

/** HostDetailProps are the selected host's data, as useHostsPage holds it. */
export interface HostDetailProps {
  /** From the host list; undefined while it loads. */
  host: Host | undefined;
  samples: readonly HostSample[];
  intervalMs: number | undefined;
  range: HostRange;
  onRangeChange: (range: HostRange) => void;
  history: RequestState<HistoryRow[]>;
}

/**
 * HostDetail is one host: its name and machine, whether its figures are current, the headline
 * figures, the charts (live or a window of history), and the newest sample's cores, disks and
 * top processes.
 */
export function HostDetail({
  host,
  samples,
  intervalMs,
  range,
  onRangeChange,
  history,
}: HostDetailProps) {
  const latest = samples.at(-1);
  const info = latest?.info;
  const name = host?.hostname || latest?.hostname || "Host";
  const machine = [
    info?.os || host?.os,
    info?.kernel,
    info?.arch,
    info?.cpuModel,
    (info?.cores || host?.cores) && `${info?.cores || host?.cores} cores`,
  ].filter(Boolean);
  const rangeLabel = HOST_RANGES.find((r) => r.value === range)?.label ?? range;

  return (
    <div className="min-w-0 space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 className="flex items-center gap-2 text-xl font-semibold">
            <span className="truncate">{name}</span>
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

      <StatusBanner
        online={host?.online}
        lastSeenMs={timestampMs(host?.lastSeen)}
        lastSampleMs={latest ? sampleTime(latest) : 0}
        intervalMs={intervalMs}
      />
      <HostStats latest={latest} />

      {range === "live" ? (
        <LiveCharts samples={samples} />
      ) : history.data ? (
        <>
          {history.problem && <FormError>{history.problem.message}</FormError>}
          <HistoryCharts rows={history.data} rangeLabel={rangeLabel} />
        </>
      ) : history.problem ? (
        <FormError>Could not load the history: {history.problem.message}</FormError>
      ) : (
        <Spinner label={`Loading the last ${rangeLabel}…`} />
      )}

      <div className="grid gap-4 lg:grid-cols-2">
        <Panel title="CPU per core" aside="now">
          <CoreBars perCore={latest?.cpu?.perCorePercent ?? []} />
        </Panel>
        <Panel title="Disks" aside="now">
          <DiskUsage disks={latest?.disks ?? []} />
        </Panel>
      </div>
      <Panel title="Top processes" aside="by CPU, now">
        <TopProcesses processes={latest?.topProcesses ?? []} />
      </Panel>
    </div>
  );
}
