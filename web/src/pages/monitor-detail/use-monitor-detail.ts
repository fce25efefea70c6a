import { Code, ConnectError } from "@connectrpc/connect";
import { useCallback, useMemo, useState } from "react";
import type { CheckResult } from "../../../../gen/pulsar/v1/check_pb";
import type {
  GetMonitorTimingsResponse,
  Monitor,
  MonitorStats,
  RegionStats,
} from "../../../../gen/pulsar/v1/monitor_pb";
import { useStreamTopic } from "../../api/use-stream";
import { timestampMs } from "../../lib/format";
import { type RequestState, useRequest } from "../../lib/use-request";
import type { MonitorDetailClient } from "./client";
import { mergeResults, newerMonitor, withLatestResult } from "./live-results";
import { useHeartbeatReread } from "./use-heartbeat-reread";
import { type MonitorActions, useMonitorActions } from "./use-monitor-actions";

/** TimingsRange is a window the phases chart can show. */
export type TimingsRange = "1h" | "24h" | "7d";

/** TIMINGS_RANGES are the phases chart's ranges, as the range picker names them. */
export const TIMINGS_RANGES: readonly { value: TimingsRange; label: string }[] = [
  { value: "1h", label: "1 h" },
  { value: "24h", label: "24 h" },
  { value: "7d", label: "7 d" },
];

/** rangeLabel names a range in words ("24 h"), as the range picker does. */
export function rangeLabel(range: TimingsRange): string {
  return TIMINGS_RANGES.find((r) => r.value === range)?.label ?? range;
}

/** StatsWindow is a window GetMonitorStats summarises. */
export type StatsWindow = "1h" | "24h" | "7d" | "30d";

/** MonitorStatsByWindow holds one MonitorStats per window. */
export type MonitorStatsByWindow = Partial<Record<StatsWindow, MonitorStats>>;

/**
 * RegionStatsByWindow holds, per window, each region's stats in the monitor's order (none for a
 * monitor of one region).
 */
export type RegionStatsByWindow = Partial<Record<StatsWindow, RegionStats[]>>;

/** MonitorDetailDeps are what the detail page's data comes from. */
export interface MonitorDetailDeps {
  client: MonitorDetailClient;
  onUnauthenticated: () => void;
}

/** MonitorDetailData is everything the detail page shows, kept live. */
export interface MonitorDetailData {
  /** The monitor, its status following the live check results. */
  monitor: RequestState<Monitor>;
  /** The recent checks, newest first, live ones included. */
  results: RequestState<CheckResult[]>;
  stats: RequestState<MonitorStatsByWindow>;
  /** Each region's stats, read with the monitor's (the same answers). */
  regionStats: RequestState<RegionStatsByWindow>;
  timings: RequestState<GetMonitorTimingsResponse>;
  range: TimingsRange;
  setRange: (range: TimingsRange) => void;
  actions: MonitorActions;
}

/** RECENT_CHECKS is how many checks the table lists. */
export const RECENT_CHECKS = 50;
const NO_RESULTS: CheckResult[] = [];
const STATS_WINDOWS: readonly StatsWindow[] = ["1h", "24h", "7d", "30d"];
/** REFRESH_MS is how often the page reads again what drifts with time (stats, the chart's
 *  buckets, which regions are live); live check results cover the rest. */
export const REFRESH_MS = 60_000;

/**
 * useMonitorDetail is the detail page's data: the monitor, its recent checks, its stats for
 * each window (and each region's, for a monitor of several) and its phases over the chosen
 * range, loaded from the API and kept current by the "monitor:<id>" stream topic (new checks)
 * and a refresh of the figures every minute. A heartbeat monitor is read again when its results
 * move its deadline (useHeartbeatReread).
 */
export function useMonitorDetail(id: string, deps: MonitorDetailDeps): MonitorDetailData {
  const { client, onUnauthenticated } = deps;
  const options = { onUnauthenticated };
  const [range, setRange] = useState<TimingsRange>("24h");

  const fetched = useRequest(
    `monitor:${id}`,
    async (signal) => {
      const { monitor } = await client.getMonitor({ id }, { signal });
      if (!monitor) throw new ConnectError("monitor not found", Code.NotFound);
      return monitor;
    },
    options,
  );
  const listed = useRequest(
    `results:${id}`,
    async (signal) =>
      (await client.listCheckResults({ monitorId: id, limit: RECENT_CHECKS }, { signal })).results,
    options,
  );
  const statsAnswers = useRequest(
    `stats:${id}`,
    async (signal) => {
      const answers = await Promise.all(
        STATS_WINDOWS.map((window) =>
          client.getMonitorStats(
            // The Regions section follows the chart's ranges; grouping 30 days by region too
            // would make the longest of these passes longer still for nothing shown.
            { monitorId: id, window, withRegions: window !== "30d" },
            { signal },
          ),
        ),
      );
      const monitor: MonitorStatsByWindow = {};
      const regions: RegionStatsByWindow = {};
      STATS_WINDOWS.forEach((window, i) => {
        monitor[window] = answers[i]?.stats;
        regions[window] = answers[i]?.regions ?? [];
      });
      return { monitor, regions };
    },
    { ...options, refreshMs: REFRESH_MS },
  );
  const stats = { ...statsAnswers, data: statsAnswers.data?.monitor };
  const regionStats = { ...statsAnswers, data: statsAnswers.data?.regions };
  const timings = useRequest(
    `timings:${id}:${range}`,
    (signal) => client.getMonitorTimings({ monitorId: id, window: range }, { signal }),
    { ...options, refreshMs: REFRESH_MS },
  );

  // Checks that arrived on the stream, for this monitor only (the id may change in place).
  const [live, setLive] = useState<{ id: string; results: CheckResult[] }>({ id, results: [] });
  useStreamTopic(`monitor:${id}`, (event) => {
    if (event.payload.case !== "checkResult") return;
    const result = event.payload.value;
    setLive((held) => ({
      id,
      results: mergeResults([held.id === id ? held.results : [], [result]], RECENT_CHECKS),
    }));
  });
  const liveResults = live.id === id ? live.results : NO_RESULTS;
  const results = useMemo(
    () => mergeResults([listed.data ?? [], liveResults], RECENT_CHECKS),
    [listed.data, liveResults],
  );

  // A pause or resume answers with the monitor as it now is, and a heartbeat is read again as
  // results move its deadline; a read begun before a pause must not undo it when it lands late.
  const [updated, setUpdated] = useState<Monitor | undefined>();
  const onUpdated = useCallback(
    (monitor: Monitor) => setUpdated((held) => newerMonitor(held, monitor)),
    [],
  );
  const actions = useMonitorActions(id, { client, onUnauthenticated, onUpdated });
  const base = updated?.id === id ? updated : fetched.data;
  useHeartbeatReread(base, timestampMs(results[0]?.checkedAt), {
    client,
    onUnauthenticated,
    onRead: onUpdated,
  });
  const monitor = useMemo(() => base && withLatestResult(base, results[0]), [base, results]);

  return {
    monitor: { ...fetched, data: monitor },
    // Live checks show even while the list is still loading or failed.
    results: { ...listed, data: listed.data || results.length > 0 ? results : undefined },
    stats,
    regionStats,
    timings,
    range,
    setRange,
    actions,
  };
}
