import type { CheckResult } from "../../../../gen/pulsar/v1/check_pb";
import type { MonitorStats } from "../../../../gen/pulsar/v1/monitor_pb";
import { Spinner } from "../../components/spinner";
import { StatCard, type StatTone } from "../../components/stat-card";
import { ms, percent, timestampMs } from "../../lib/format";
import type { KindName } from "../../lib/monitor-kind";
import type { RequestState } from "../../lib/use-request";
import { certificateShown, warnBelowDaysOf } from "./certificate-shown";
import { type MonitorStatsByWindow, rangeLabel, type TimingsRange } from "./use-monitor-detail";

/** StatsPanelProps are the stats per window and what decides which of them to show. */
export interface StatsPanelProps {
  stats: RequestState<MonitorStatsByWindow>;
  /** The phases chart's range: the percentiles follow it. */
  range: TimingsRange;
  /** The monitor's kind: a heartbeat has no response time, DNS a query time. */
  kind: KindName;
  /** Whether the target presents a certificate (HTTPS, TLS over TCP): its expiry is shown. */
  certificate: boolean;
  /** The days before expiry alerts go out, largest first; none when turned off. */
  alertDays?: readonly number[];
  /** The newest check, whose certificate is fresher than the stats'. */
  latest: CheckResult | undefined;
}

/** What the percentiles measure, by kind. */
const TIME_HINT: Record<Exclude<KindName, "heartbeat">, string> = {
  http: "total response time",
  tcp: "total connection time",
  dns: "query time",
};
const UPTIME_WINDOWS = [
  { window: "24h", label: "Uptime 24 h" },
  { window: "7d", label: "Uptime 7 d" },
  { window: "30d", label: "Uptime 30 d" },
] as const;

/**
 * StatsPanel shows uptime over 24 h, 7 d and 30 d, the p50 / p95 / p99 response time over the
 * chart's range (none for a heartbeat), and for a target with a certificate its issuer, the
 * days to its expiry and when its expiry alerts go out.
 */
export function StatsPanel({
  stats,
  range,
  kind,
  certificate,
  alertDays,
  latest,
}: StatsPanelProps) {
  if (stats.loading) return <Spinner label="Loading stats…" />;
  if (!stats.data) {
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-400">
        Could not load the stats: {stats.problem?.message}
      </p>
    );
  }
  const byWindow = stats.data;
  const selected = byWindow[range];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
      {UPTIME_WINDOWS.map(({ window, label }) => (
        <Uptime key={window} label={label} stats={byWindow[window]} />
      ))}
      {kind !== "heartbeat" &&
        (["p50", "p95", "p99"] as const).map((p) => (
          <StatCard
            key={p}
            label={`${p} (${rangeLabel(range)})`}
            value={selected?.checks && selected.totalMs ? ms(selected.totalMs[p]) : "—"}
            hint={TIME_HINT[kind]}
          />
        ))}
      {certificate && <Certificate latest={latest} stats={byWindow["24h"]} alertDays={alertDays} />}
    </dl>
  );
}

/** uptimeTone colours an uptime ratio: bad under 95 %, a warning under 99 %, good above. */
export function uptimeTone(ratio: number): StatTone {
  return ratio < 0.95 ? "bad" : ratio < 0.99 ? "warn" : "good";
}

function Uptime({ label, stats }: { label: string; stats: MonitorStats | undefined }) {
  if (!stats?.checks) return <StatCard label={label} value="—" hint="no checks" />;
  const ratio = stats.uptimeRatio;
  const tone = uptimeTone(ratio);
  const failed = Number(stats.failures);
  return (
    <StatCard
      label={label}
      value={percent(ratio)}
      tone={tone}
      hint={`${failed} of ${Number(stats.checks)} checks failed`}
    />
  );
}

function Certificate({
  latest,
  stats,
  alertDays,
}: {
  latest: CheckResult | undefined;
  stats: MonitorStats | undefined;
  alertDays: readonly number[] | undefined;
}) {
  const fromCheck = latest?.tlsCertExpiresAt !== undefined;
  const expiresAt = timestampMs(fromCheck ? latest?.tlsCertExpiresAt : stats?.tlsCertExpiresAt);
  if (!expiresAt) {
    return <StatCard label="Certificate" value="—" hint="no certificate seen yet" />;
  }
  const issuer = (fromCheck ? latest?.tlsCertIssuer : stats?.tlsCertIssuer) ?? "";
  const shown = certificateShown({ expiresAtMs: expiresAt, issuer }, warnBelowDaysOf(alertDays));
  return (
    <>
      <StatCard
        label="Certificate expiry"
        value={shown.daysLeft}
        tone={shown.tone}
        hint={[shown.date, alertsText(alertDays)].filter(Boolean).join("; ")}
      />
      <StatCard
        label="Certificate issuer"
        // Issuer names are long ("Google Trust Services WE1"): wrap rather than truncate.
        value={
          <span className="block text-base whitespace-normal break-words">{shown.issuer}</span>
        }
      />
    </>
  );
}

/** alertsText says when expiry alerts go out: "alerts 14, 3 d before", or that none do. */
function alertsText(alertDays: readonly number[] | undefined): string {
  if (alertDays === undefined) return "";
  return alertDays.length > 0 ? `alerts ${alertDays.join(", ")} d before` : "no expiry alerts";
}
