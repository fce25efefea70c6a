import type { RegionResult, RegionRule, RegionStats } from "../../../../gen/pulsar/v1/monitor_pb";
import type { KindName } from "../../lib/monitor-kind";
import { warnBelowDaysOf } from "./certificate-shown";
import { RegionCard } from "./region-card";
import { ruleInWords } from "./region-rows";

/** RegionResultsProps are each region's latest result, in the monitor's order, and the rule. */
export interface RegionResultsProps {
  regions: readonly RegionResult[];
  rule: RegionRule;
  /**
   * Each region's stats over the page's window (GetMonitorStatsResponse.regions); undefined
   * while they load or when they could not be read: the figures then show "—".
   */
  stats?: readonly RegionStats[];
  /** The page's window in words ("24 h"). */
  windowLabel?: string;
  /** HTTP when absent. */
  kind?: KindName;
  /**
   * Whether the target presents a certificate (HTTPS, TLS over TCP): each region's card then
   * shows the one its latest check saw. None shown when absent.
   */
  certificate?: boolean;
  /** The monitor's expiry-alert thresholds in force (empty when off): see warnBelowDaysOf. */
  alertDays?: readonly number[];
  nowMs?: number;
}

/**
 * RegionResults shows the monitor's regions side by side, under the rule that turns their
 * results into the monitor's state: each region's latest result (up, down and why, or silent),
 * its uptime and p50 / p95 / p99 over the page's window, the certificate its latest check saw,
 * and that check's waterfall.
 */
export function RegionResults({
  regions,
  rule,
  stats,
  windowLabel = "24 h",
  kind = "http",
  certificate = false,
  alertDays,
  nowMs = Date.now(),
}: RegionResultsProps) {
  // By name: a region the stats do not know (just added) shows "—" rather than another's.
  const statsOf = new Map(stats?.map((s) => [s.region, s.stats]));
  const certWarnBelowDays = warnBelowDaysOf(alertDays);
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {ruleInWords(rule)}. Regions without a result within two intervals are silent and do not
        vote. Uptime and percentiles of the {kind === "dns" ? "query" : "total"} time over the last{" "}
        {windowLabel}.
      </p>
      <ul aria-label="Regions" className="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
        {regions.map((row) => (
          <RegionCard
            key={row.region}
            row={row}
            stats={statsOf.get(row.region)}
            windowLabel={windowLabel}
            kind={kind}
            certificate={certificate}
            certWarnBelowDays={certWarnBelowDays}
            nowMs={nowMs}
          />
        ))}
      </ul>
    </div>
  );
}
