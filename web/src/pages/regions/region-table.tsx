import type { Region, RegionWorker } from "../../../../gen/pulsar/v1/region_pb";
import { StatusDot } from "../../components/status-dot";
import { ago, count, timestampMs } from "../../lib/format";
import { RegionProbes } from "./region-probes";

/** RegionTableProps are the regions (by name), which is the default, and the page's clock. */
export interface RegionTableProps {
  regions: readonly Region[];
  defaultRegion: string;
  now: number;
}

/**
 * RegionTable is the table of regions: name (the default one marked), live or silent, its
 * workers (ids and versions in the tooltip), its probes, and how many of the organization's
 * monitors list it. A silent region that monitors list shows red: they get no checks from it.
 * It scrolls sideways on a phone rather than squeezing.
 */
export function RegionTable({ regions, defaultRegion, now }: RegionTableProps) {
  const cell = "px-3 py-2 align-top";
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-sm">
        <caption className="sr-only">Regions</caption>
        <thead className="bg-slate-50 text-left text-xs text-slate-500 dark:bg-slate-900 dark:text-slate-400">
          <tr>
            {["Region", "Status", "Workers", "Probes", "Monitors"].map((h) => (
              <th key={h} scope="col" className={`${cell} whitespace-nowrap`}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {regions.map((region) => (
            <tr key={region.name}>
              <th scope="row" className={`${cell} text-left font-medium whitespace-nowrap`}>
                {region.name}
                {region.name === defaultRegion && (
                  <span
                    className="ml-2 rounded bg-indigo-100 px-1 text-[0.65rem] font-semibold text-indigo-800 uppercase dark:bg-indigo-950 dark:text-indigo-300"
                    title="The region of a monitor that lists none (DEFAULT_REGION)"
                  >
                    default
                  </span>
                )}
              </th>
              <td className={`${cell} whitespace-nowrap`}>
                <span className="inline-flex items-center gap-2">
                  <StatusDot
                    status={region.live ? "up" : region.monitors > 0 ? "down" : "paused"}
                    label={region.live ? "Live" : "Silent"}
                    title={
                      region.live
                        ? "A worker or probe was seen within the last 30 s"
                        : "No worker or probe seen within the last 30 s: monitors listing it get no checks from it"
                    }
                  />
                  <span aria-hidden>{region.live ? "Live" : "Silent"}</span>
                </span>
              </td>
              <td className={`${cell} whitespace-nowrap tabular-nums`}>
                <Workers workers={region.workers} now={now} />
              </td>
              <td className={cell}>
                <RegionProbes probes={region.probes} now={now} />
              </td>
              <td className={`${cell} text-right tabular-nums`}>{count(region.monitors)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Workers is the count of a region's live workers, each one's id and version on hover. */
function Workers({ workers, now }: { workers: readonly RegionWorker[]; now: number }) {
  if (workers.length === 0) return <span className="text-slate-400">0</span>;
  const lines = workers.map(
    (w) =>
      `${w.id}${w.version ? ` v${w.version}` : ""}, seen ${ago(timestampMs(w.lastSeenAt), now)}`,
  );
  return (
    <span title={lines.join("\n")} className="cursor-help underline decoration-dotted">
      {workers.length}
      <span className="sr-only">: {lines.join("; ")}</span>
    </span>
  );
}
