import type { HostSample } from "../../../../gen/pulsar/v1/host_pb";
import { type Series, TimeSeriesChart } from "../../components/time-series-chart";
import { bytes, bytesPerSecond, opsPerSecond } from "../../lib/format";
import { CHART_COLORS as C } from "./chart-colors";
import { sampleTime } from "./live-window";
import { Panel } from "./panel";

const CPU: Series<HostSample>[] = [
  { label: "CPU", value: (s) => s.cpu?.totalPercent ?? 0, color: C.cpu },
];
const MEMORY: Series<HostSample>[] = [
  { label: "Total", value: (s) => s.memory?.totalBytes ?? 0, color: C.total },
  { label: "Used", value: (s) => s.memory?.usedBytes ?? 0, color: C.memory },
  { label: "Swap used", value: (s) => s.memory?.swapUsedBytes ?? 0, color: C.swap },
];
const NETWORK: Series<HostSample>[] = [
  { label: "Received", value: (s) => s.network?.rxBytesPerSec ?? 0, color: C.rx },
  { label: "Sent", value: (s) => s.network?.txBytesPerSec ?? 0, color: C.tx },
];
const DISK_IO: Series<HostSample>[] = [
  { label: "Read", value: (s) => s.diskIo?.readBytesPerSec ?? 0, color: C.diskRead },
  { label: "Written", value: (s) => s.diskIo?.writeBytesPerSec ?? 0, color: C.diskWrite },
];
const PROCESSES: Series<HostSample>[] = [
  { label: "Running", value: (s) => s.processes?.running ?? 0, color: C.running },
  { label: "Sleeping", value: (s) => s.processes?.sleeping ?? 0, color: C.sleeping },
  { label: "Blocked", value: (s) => s.processes?.blocked ?? 0, color: C.blocked },
  { label: "Zombie", value: (s) => s.processes?.zombie ?? 0, color: C.zombie },
];

const HEIGHT = 180;

/**
 * LiveCharts draw the live window: CPU, memory (used against total, and swap), network and
 * disk throughput and processes by state, each through the app's one TimeSeriesChart.
 */
export function LiveCharts({ samples }: { samples: readonly HostSample[] }) {
  const latest = samples.at(-1);
  const counts = latest?.processes;
  const io = latest?.diskIo;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Panel title="CPU use">
        <TimeSeriesChart
          label="CPU use, live"
          data={samples}
          time={sampleTime}
          series={CPU}
          domain={[0, 100]}
          unit=" %"
          height={HEIGHT}
        />
      </Panel>
      <Panel title="Memory">
        <TimeSeriesChart
          label="Memory and swap in use, live"
          data={samples}
          time={sampleTime}
          series={MEMORY}
          formatValue={bytes}
          height={HEIGHT}
        />
      </Panel>
      <Panel title="Network">
        <TimeSeriesChart
          label="Network throughput, live"
          data={samples}
          time={sampleTime}
          series={NETWORK}
          formatValue={bytesPerSecond}
          height={HEIGHT}
        />
      </Panel>
      <Panel
        title="Disk I/O"
        aside={
          io &&
          `${opsPerSecond(io.readOpsPerSec)} reads · ${opsPerSecond(io.writeOpsPerSec)} writes`
        }
      >
        <TimeSeriesChart
          label="Disk throughput, live"
          data={samples}
          time={sampleTime}
          series={DISK_IO}
          formatValue={bytesPerSecond}
          height={HEIGHT}
        />
      </Panel>
      <Panel
        title="Process states"
        aside={
          counts &&
          `${counts.running} running · ${counts.sleeping} sleeping · ${counts.blocked} blocked · ${counts.zombie} zombie`
        }
      >
        <TimeSeriesChart
          label="Processes by state, live"
          data={samples}
          time={sampleTime}
          series={PROCESSES}
          stacked
          height={HEIGHT}
        />
      </Panel>
    </div>
  );
}
