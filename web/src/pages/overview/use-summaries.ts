import type { Client } from "@connectrpc/connect";
import { useCallback, useEffect, useRef, useState } from "react";
import type { MonitorService, MonitorSummary } from "../../../../gen/pulsar/v1/monitor_pb";
import { isUnauthenticated } from "../../api/errors";

/** SummaryReader is the part of MonitorService the overview's figures need. */
export type SummaryReader = Pick<Client<typeof MonitorService>, "getMonitorSummaries">;

/** The server answers for at most this many ids at once. */
const BATCH = 500;
/** Summaries are hourly rollups: refreshing more often than this buys nothing. */
export const SUMMARY_TTL_MS = 60_000;
/** Scrolling fires many range changes; ask once it settles. */
const SETTLE_MS = 150;

/**
 * useSummaries fetches GetMonitorSummaries for the monitors in view only (the visible rows
 * of a list of thousands), in batches, caches them by id, and refreshes the ones in view
 * every minute. A summary that failed to load is just missing: the row shows dashes, the
 * rest of the page works.
 */
export function useSummaries(
  client: SummaryReader,
  visibleIds: readonly string[],
  onUnauthenticated: () => void,
): ReadonlyMap<string, MonitorSummary> {
  const [summaries, setSummaries] = useState<ReadonlyMap<string, MonitorSummary>>(new Map());
  // When each id was last asked about (answered or not), so failures are not retried in a loop.
  const askedAt = useRef(new Map<string, number>());
  const visible = useRef(visibleIds);
  visible.current = visibleIds;
  const unauthenticated = useRef(onUnauthenticated);
  unauthenticated.current = onUnauthenticated;

  const fetchStale = useCallback(() => {
    const now = Date.now();
    const stale = visible.current.filter(
      // A little slack, so the minute's timer never finds them a few ms short of stale.
      (id) => now - (askedAt.current.get(id) ?? Number.NEGATIVE_INFINITY) >= SUMMARY_TTL_MS - 5_000,
    );
    for (let i = 0; i < stale.length; i += BATCH) {
      const monitorIds = stale.slice(i, i + BATCH);
      for (const id of monitorIds) askedAt.current.set(id, now);
      client.getMonitorSummaries({ monitorIds }).then(
        (res) =>
          setSummaries((previous) => {
            const next = new Map(previous);
            for (const summary of res.summaries) next.set(summary.monitorId, summary);
            return next;
          }),
        (error: unknown) => {
          if (isUnauthenticated(error)) unauthenticated.current();
          else console.warn("GetMonitorSummaries failed", error);
        },
      );
    }
  }, [client]);

  const key = visibleIds.join(",");
  useEffect(() => {
    if (key === "") return;
    const timer = setTimeout(fetchStale, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [key, fetchStale]);

  useEffect(() => {
    const timer = setInterval(fetchStale, SUMMARY_TTL_MS);
    return () => clearInterval(timer);
  }, [fetchStale]);

  return summaries;
}
