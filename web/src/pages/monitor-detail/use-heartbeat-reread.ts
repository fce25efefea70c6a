import { useEffect, useRef } from "react";
import { type Monitor, MonitorKind } from "../../../../gen/pulsar/v1/monitor_pb";
import { isUnauthenticated } from "../../api/errors";
import { timestampMs } from "../../lib/format";
import type { MonitorDetailClient } from "./client";

/** HeartbeatRereadDeps are what re-reading a heartbeat monitor calls and whom it tells. */
export interface HeartbeatRereadDeps {
  client: Pick<MonitorDetailClient, "getMonitor">;
  onUnauthenticated: () => void;
  /** Receives each monitor read. */
  onRead: (monitor: Monitor) => void;
  /** The least time between two reads (ms): a job pinging in a loop costs one read per gap. */
  minGapMs?: number;
  /** How often to read anyway (ms): a /start publishes no result, so only this shows it. */
  pollMs?: number;
}

const MIN_GAP_MS = 5_000;
const POLL_MS = 60_000;

/**
 * useHeartbeatReread keeps a running heartbeat monitor's deadline and running job current.
 * The stream carries new results, not the monitor, yet each ping or missed deadline moves
 * Monitor.heartbeatDueAt on: so a result newer than the monitor's own last one (newestResultMs
 * past monitor.lastResult) re-reads it with GetMonitor, at once and then at most every
 * minGapMs (the last result is always followed by a read). It also reads every pollMs. A
 * monitor checked from several regions is read the same way: a result is one region's, while
 * its status and each region's latest come from the server's verdict. Other monitors and
 * paused ones are left alone: live results say all of their changes.
 */
export function useHeartbeatReread(
  monitor: Monitor | undefined,
  newestResultMs: number,
  deps: HeartbeatRereadDeps,
): void {
  const id = monitor?.id;
  const watched =
    (monitor?.kind === MonitorKind.HEARTBEAT || (monitor?.regions.length ?? 0) > 1) &&
    monitor?.enabled;
  const knownMs = timestampMs(monitor?.lastResult?.checkedAt);
  const depsRef = useRef(deps);
  depsRef.current = deps;
  const newestRef = useRef(newestResultMs);
  newestRef.current = newestResultMs;
  // One schedule per monitor watched; schedule() is its way in.
  const scheduleRef = useRef<(() => void) | undefined>(undefined);
  const askedForMs = useRef(0);

  useEffect(() => {
    if (!watched || id === undefined) return;
    const minGapMs = depsRef.current.minGapMs ?? MIN_GAP_MS;
    let lastReadMs = Number.NEGATIVE_INFINITY;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let current: AbortController | undefined;
    askedForMs.current = 0;
    const read = () => {
      timer = undefined;
      lastReadMs = Date.now();
      askedForMs.current = newestRef.current;
      current?.abort();
      const controller = new AbortController();
      current = controller;
      const { client, onRead, onUnauthenticated } = depsRef.current;
      client.getMonitor({ id }, { signal: controller.signal }).then(
        ({ monitor: fresh }) => {
          if (fresh && !controller.signal.aborted) onRead(fresh);
        },
        (error: unknown) => {
          // Otherwise the next result or poll tries again; the page shows what it has.
          if (!controller.signal.aborted && isUnauthenticated(error)) onUnauthenticated();
        },
      );
    };
    const schedule = () => {
      if (timer !== undefined) return;
      const wait = lastReadMs + minGapMs - Date.now();
      if (wait <= 0) read();
      else timer = setTimeout(read, wait);
    };
    scheduleRef.current = schedule;
    const poll = setInterval(schedule, depsRef.current.pollMs ?? POLL_MS);
    return () => {
      scheduleRef.current = undefined;
      clearInterval(poll);
      clearTimeout(timer);
      current?.abort();
    };
  }, [id, watched]);

  useEffect(() => {
    if (newestResultMs > Math.max(knownMs, askedForMs.current)) scheduleRef.current?.();
  }, [newestResultMs, knownMs]);
}
