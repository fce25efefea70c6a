import type { MonitorStats, RegionResult } from "../../../../gen/pulsar/v1/monitor_pb";
import { StatusDot } from "../../components/status-dot";
import { WaterfallBar } from "../../components/waterfall-bar";
import { ago, ms, percent, timestampMs } from "../../lib/format";
import type { KindName } from "../../lib/monitor-kind";
import { certificateShown } from "./certificate-shown";
import { phasesFor } from "./kind-phases";
import { uptimeTone } from "./stats-panel";

/** RegionCardProps are one region's latest result and its figures over the page's window. */
export interface RegionCardProps {
  row: RegionResult;
  /** The region's stats over the window; undefined while they load or when they failed. */
  stats: MonitorStats | undefined;
  /** The window in words ("24 h"). */
  windowLabel: string;
  kind: KindName;
  /** Whether the target presents a certificate (HTTPS, TLS over TCP): each region's is shown. */
  certificate: boolean;
  /** Days left under which a certificate is a warning. */
  certWarnBelowDays: number;
  nowMs: number;
}

const TONE_CLASS = {
  good: "text-emerald-700 dark:text-emerald-400",
  warn: "text-amber-700 dark:text-amber-400",
  bad: "text-red-700 dark:text-red-400",
  default: "",
} as const;

/**
 * RegionCard is one region of a monitor checked from several: how its latest result went (up,
 * down and why, or silent), its uptime and p50 / p95 / p99 over the window, the certificate its
 * latest check saw, and where that check's time went, so regions can be compared side by side.
 */
export function RegionCard({
  row,
  stats,
  windowLabel,
  kind,
  certificate,
  certWarnBelowDays,
  nowMs,
}: RegionCardProps) {
  const result = row.result;
  const at = timestampMs(result?.checkedAt);
  const status = row.silent || !result ? "pending" : result.up ? "up" : "down";
  const word = row.silent ? "Silent" : !result ? "No result yet" : result.up ? "Up" : "Down";
  return (
    <li className="min-w-0 space-y-3 rounded-lg border border-slate-200 p-3 text-sm dark:border-slate-800">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className="flex items-center gap-2 self-center">
          <StatusDot status={status} label={word} />
          <span className="font-mono font-medium">{row.region}</span>
        </span>
        {row.silent ? (
          <span className="text-amber-700 dark:text-amber-400">
            silent — no result within two intervals
          </span>
        ) : !result ? (
          <span className="text-slate-500 dark:text-slate-400">no result yet</span>
        ) : (
          <span
            className={
              result.up
                ? "text-emerald-700 dark:text-emerald-400"
                : "font-semibold text-red-700 dark:text-red-400"
            }
          >
            {word}
          </span>
        )}
        {result?.timing && <span className="tabular-nums">{ms(result.timing.totalMs)}</span>}
        {at > 0 && (
          <time
            dateTime={new Date(at).toISOString()}
            title={new Date(at).toLocaleString()}
            className="text-slate-500 dark:text-slate-400"
          >
            {ago(at, nowMs)}
          </time>
        )}
      </div>
      {result && !result.up && result.error && !row.silent && (
        <p className="break-words text-red-800 dark:text-red-200">{result.error}</p>
      )}
      <RegionFigures stats={stats} windowLabel={windowLabel} timed={kind !== "heartbeat"} />
      {certificate && (
        <RegionCertificate row={row} warnBelowDays={certWarnBelowDays} nowMs={nowMs} />
      )}
      <LatestWaterfall row={row} kind={kind} />
    </li>
  );
}

/** RegionFigures are the region's uptime and total-time percentiles over the window. */
function RegionFigures({
  stats,
  windowLabel,
  timed,
}: {
  stats: MonitorStats | undefined;
  windowLabel: string;
  timed: boolean;
}) {
  const checks = Number(stats?.checks ?? 0n);
  const failures = Number(stats?.failures ?? 0n);
  const tone = checks > 0 && stats ? uptimeTone(stats.uptimeRatio) : "default";
  return (
    <dl className="grid grid-cols-3 gap-2 sm:grid-cols-4">
      <div className="col-span-3 sm:col-span-1">
        <dt className="text-xs text-slate-500 dark:text-slate-400">Uptime {windowLabel}</dt>
        <dd className={`font-semibold tabular-nums ${TONE_CLASS[tone]}`}>
          {checks > 0 && stats ? percent(stats.uptimeRatio) : "—"}
        </dd>
        {stats && (
          <dd className="text-xs text-slate-500 dark:text-slate-400">
            {checks > 0 ? `${failures} of ${checks} failed` : "no checks"}
          </dd>
        )}
      </div>
      {timed &&
        (["p50", "p95", "p99"] as const).map((p) => (
          <div key={p}>
            <dt className="text-xs text-slate-500 dark:text-slate-400">{p}</dt>
            <dd className="font-semibold tabular-nums">
              {checks > 0 && stats?.totalMs ? ms(stats.totalMs[p]) : "—"}
            </dd>
          </div>
        ))}
    </dl>
  );
}

/**
 * RegionCertificate is the certificate the region's latest check saw: edges of a CDN serve
 * different ones, and one region may see an expired one while the others do not. None seen
 * (the handshake failed, or nothing answered) is said, not left blank.
 */
function RegionCertificate({
  row,
  warnBelowDays,
  nowMs,
}: {
  row: RegionResult;
  warnBelowDays: number;
  nowMs: number;
}) {
  const result = row.result;
  // A region that has not checked yet has nothing to say about its certificate either.
  if (!result) return null;
  const expiresAtMs = timestampMs(result.tlsCertExpiresAt);
  const shown =
    expiresAtMs > 0
      ? certificateShown({ expiresAtMs, issuer: result.tlsCertIssuer }, warnBelowDays, nowMs)
      : undefined;
  // A silent region's certificate is old news, like its waterfall.
  return (
    <dl className={row.silent ? "opacity-60" : undefined}>
      <dt className="text-xs text-slate-500 dark:text-slate-400">Certificate</dt>
      {shown ? (
        <>
          <dd className={`font-semibold tabular-nums ${TONE_CLASS[shown.tone]}`}>
            {shown.daysLeft}
          </dd>
          <dd className="text-xs break-words text-slate-500 dark:text-slate-400">
            <time dateTime={new Date(expiresAtMs).toISOString()}>{shown.date}</time> ·{" "}
            {shown.issuer}
          </dd>
        </>
      ) : (
        <dd className="text-slate-500 dark:text-slate-400">no certificate in the latest check</dd>
      )}
    </dl>
  );
}

/** LatestWaterfall is where the region's latest check's time went (HTTP and TCP only). */
function LatestWaterfall({ row, kind }: { row: RegionResult; kind: KindName }) {
  const timing = row.result?.timing;
  if (!timing || (kind !== "http" && kind !== "tcp")) return null;
  const segments = phasesFor(kind, [timing]).map((phase) => ({
    label: phase.label,
    value: phase.value(timing),
    color: phase.color,
  }));
  // A silent region's latest check is old news: shown, but faded.
  return (
    <div className={row.silent ? "opacity-60" : undefined}>
      <WaterfallBar
        segments={segments}
        label={`Timing of the latest check from ${row.region}`}
        formatValue={ms}
      />
    </div>
  );
}
