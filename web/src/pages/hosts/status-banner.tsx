import { ago } from "../../lib/format";
import { hostStatus } from "./host-status";
import { useNow } from "./use-now";

/** StatusBannerProps are the facts the banner judges freshness from (see hostStatus). */
export interface StatusBannerProps {
  online: boolean | undefined;
  lastSeenMs: number;
  lastSampleMs: number;
  intervalMs: number | undefined;
}

/**
 * StatusBanner says when the figures are not live: waiting for the first sample, stale (no
 * sample for three intervals), or the host offline. It re-checks every second on its own, so
 * the charts around it do not re-render with the clock.
 */
export function StatusBanner(props: StatusBannerProps) {
  const nowMs = useNow(1000);
  const status = hostStatus({ ...props, nowMs });
  switch (status.kind) {
    case "live":
      return null;
    case "waiting":
      return (
        <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
          Waiting for the first sample…
        </p>
      );
    case "stale":
      return (
        <p
          role="status"
          className="rounded-md bg-amber-50 p-3 text-sm text-amber-800 dark:bg-amber-950 dark:text-amber-300"
        >
          No sample since {ago(status.lastSampleMs, nowMs)} (one is expected every{" "}
          {Math.round(status.intervalMs / 100) / 10} s): the figures below may be stale.
        </p>
      );
    case "offline":
      return (
        <p
          role="status"
          className="rounded-md bg-red-50 p-3 text-sm text-red-800 dark:bg-red-950 dark:text-red-300"
        >
          This host is offline: its last sample arrived {ago(status.lastSeenMs, nowMs)}. The figures
          below are the last it sent; choose a time range for its history.
        </p>
      );
  }
}
