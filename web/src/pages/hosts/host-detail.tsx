import type { Host, HostSample } from "../../../../gen/pulsar/v1/host_pb";
import { FormError } from "../../components/form";
import { Spinner } from "../../components/spinner";
import { timestampMs } from "../../lib/format";
import type { RequestState } from "../../lib/use-request";
import { CoreBars } from "./core-bars";
import { DiskIoDevices } from "./disk-io-devices";
import { DiskUsage } from "./disk-usage";
import { HistoryCharts } from "./history-charts";
import type { HistoryRow } from "./history-rows";
import { HostAbout } from "./host-about";
import { HostHeader } from "./host-header";
import { HostSettings } from "./host-settings";
import { HostStats } from "./host-stats";
import { LiveCharts } from "./live-charts";
import { sampleTime } from "./live-window";
import { Panel } from "./panel";
import { HOST_RANGES, type HostRange } from "./ranges";
import { StatusBanner } from "./status-banner";
import { TopProcesses } from "./top-processes";
import type { HostChange } from "./use-host-actions";

/** HostDetailProps are the selected host's data, as useHostsPage holds it, and its actions. */
export interface HostDetailProps {
  /** From the host list; undefined while it loads. */
  host: Host | undefined;
  samples: readonly HostSample[];
  intervalMs: number | undefined;
  range: HostRange;
  onRangeChange: (range: HostRange) => void;
  history: RequestState<HistoryRow[]>;
  onUpdate: (change: HostChange) => Promise<void>;
  onDelete: () => Promise<void>;
  onDeleted: () => void;
}

/**
 * HostDetail is one host: its name and machine, whether its figures are current, the headline
 * figures, the charts (live or a window of history), the newest sample's cores, disks, disk
 * throughput and top processes, then what the registry knows of it and its settings.
 */
export function HostDetail({
  host,
  samples,
  intervalMs,
  range,
  onRangeChange,
  history,
  onUpdate,
  onDelete,
  onDeleted,
}: HostDetailProps) {
  const latest = samples.at(-1);
  const rangeLabel = HOST_RANGES.find((r) => r.value === range)?.label ?? range;

  return (
    <div className="min-w-0 space-y-4">
      <HostHeader host={host} latest={latest} range={range} onRangeChange={onRangeChange} />
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
      <Panel title="Disk I/O per disk" aside="now">
        <DiskIoDevices devices={latest?.diskIo?.devices ?? []} />
      </Panel>
      <Panel title="Top processes" aside="by CPU, now">
        <TopProcesses processes={latest?.topProcesses ?? []} />
      </Panel>
      {host && (
        <>
          <Panel title="About this host">
            <HostAbout host={host} onUpdate={host.shared ? undefined : onUpdate} />
          </Panel>
          <HostSettings host={host} onUpdate={onUpdate} onDelete={onDelete} onDeleted={onDeleted} />
        </>
      )}
    </div>
  );
}
