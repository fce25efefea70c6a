import type { CSSProperties } from "react";
import type { Monitor, MonitorSummary } from "../../../../gen/pulsar/v1/monitor_pb";
import { KindBadge } from "../../components/kind-badge";
import { Link } from "../../components/link";
import { SilentRegionsFlag } from "../../components/silent-regions-flag";
import { Sparkline } from "../../components/sparkline";
import { STATUS_LABEL, StatusDot } from "../../components/status-dot";
import { ago, ms, percent, timestampMs } from "../../lib/format";
import { kindOf, targetOf } from "../../lib/monitor-kind";
import { statusKind } from "./monitor-state";
import { RegionDots } from "./region-dots";
import { RegionsLabel } from "./regions-label";

/**
 * ROW_GRID is the row's columns, shared with the header so they line up: on a phone, name and
 * uptime on one line, the sparkline and last check under them; from sm up, one line.
 */
export const ROW_GRID =
  "grid grid-cols-[1rem_minmax(0,1fr)_auto] items-center gap-x-3 px-3 sm:grid-cols-[1rem_minmax(0,1fr)_5.5rem_6.5rem_6rem]";

/** ROW_HEIGHT is each row's fixed height in px: the virtualizer needs it, CSS must match it. */
export const ROW_HEIGHT = { compact: 96, wide: 56 } as const;

/** MonitorRowProps are one monitor, its summary when loaded, and the page's clock. */
export interface MonitorRowProps {
  monitor: Monitor;
  summary: MonitorSummary | undefined;
  now: number;
  /** 1-based position in the whole (filtered) list, and the list's length, for aria-posinset. */
  position: number;
  setSize: number;
  /** The regions it lists that no worker or probe serves now (silentRegionsOf). */
  silentRegions?: readonly string[];
  style?: CSSProperties;
}

/**
 * MonitorRow is one monitor in the overview list. A list item, not a table row: the rows are
 * virtualized and absolutely positioned, so each says what its figures are (to screen readers)
 * instead of leaning on column headers.
 */
export function MonitorRow({
  monitor,
  summary,
  now,
  position,
  setSize,
  silentRegions = NO_REGIONS,
  style,
}: MonitorRowProps) {
  const status = statusKind(monitor);
  const checkedAt = timestampMs(monitor.lastResult?.checkedAt);
  const error = status === "down" ? monitor.lastResult?.error : "";
  const kind = kindOf(monitor);
  const target = targetOf(monitor);
  const heartbeat = kind === "heartbeat";
  return (
    <li
      aria-posinset={position}
      aria-setsize={setSize}
      style={style}
      className={`${ROW_GRID} h-24 border-slate-200 sm:h-14 dark:border-slate-800 ${position > 1 ? "border-t" : ""}`}
    >
      <StatusDot status={status} title={error ? `${STATUS_LABEL[status]}: ${error}` : undefined} />
      <div className="min-w-0">
        <Link
          href={`/monitors/${encodeURIComponent(monitor.id)}`}
          className="block truncate text-sm font-medium hover:underline"
        >
          {monitor.name}
        </Link>
        <span className="flex min-w-0 items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400">
          <KindBadge kind={kind} />
          {/* Without region states (a server from before them) it still says how many. */}
          {monitor.regionStates.length > 0 ? (
            <RegionDots
              states={monitor.regionStates}
              intervalSeconds={monitor.intervalSeconds}
              now={now}
            />
          ) : (
            <RegionsLabel regions={monitor.regions} />
          )}
          <SilentRegionsFlag regions={silentRegions} compact />
          <span className="truncate" title={target}>
            {target}
          </span>
        </span>
      </div>
      <div className="text-right text-sm tabular-nums">
        <span className="sr-only">Uptime over 24 h: </span>
        <Uptime summary={summary} />
      </div>
      <div className="col-start-2 sm:col-start-auto">
        <Latency summary={summary} />
      </div>
      <div className="text-right text-xs text-slate-500 dark:text-slate-400">
        {checkedAt ? (
          <>
            <span className="sr-only">{heartbeat ? "Last ping " : "Last check "}</span>
            <time
              dateTime={new Date(checkedAt).toISOString()}
              title={new Date(checkedAt).toLocaleString()}
            >
              {ago(checkedAt, now)}
            </time>
          </>
        ) : heartbeat ? (
          "no ping yet"
        ) : (
          "not checked yet"
        )}
      </div>
    </li>
  );
}

const NO_REGIONS: readonly string[] = [];

function Uptime({ summary }: { summary: MonitorSummary | undefined }) {
  if (!summary || summary.checks24h === 0) {
    return (
      <span className="text-slate-400" title="No checks in the last 24 h">
        —<span className="sr-only">no data</span>
      </span>
    );
  }
  const ratio = summary.uptimeRatio24h;
  const color =
    ratio >= 0.99 ? "" : ratio >= 0.95 ? "text-amber-600 dark:text-amber-400" : "text-down";
  return <span className={color}>{percent(ratio)}</span>;
}

function Latency({ summary }: { summary: MonitorSummary | undefined }) {
  const values = summary?.hourlyAvgTotalMs.map((v) => (v > 0 ? v : null)) ?? [];
  const latest = values.findLast((v) => v !== null);
  if (latest === undefined || latest === null) {
    return (
      <span className="text-sm text-slate-400">
        —<span className="sr-only">no latency data</span>
      </span>
    );
  }
  return (
    <Sparkline values={values} label={`Latency over the last 24 h, latest hour ${ms(latest)}`} />
  );
}
