import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { type RefObject, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { Monitor, MonitorSummary } from "../../../../gen/pulsar/v1/monitor_pb";
import { type RegionLiveness, silentRegionsOf } from "../../lib/region-liveness";
import { MonitorRow, ROW_GRID, ROW_HEIGHT } from "./monitor-row";
import { useMediaQuery } from "./use-media-query";

/** MonitorListProps are the monitors to show (already filtered), their summaries, the clock. */
export interface MonitorListProps {
  monitors: readonly Monitor[];
  summaries: ReadonlyMap<string, MonitorSummary>;
  now: number;
  /** Each region's liveness (ListRegions), to flag monitors listing a silent one; none when unknown. */
  liveness?: RegionLiveness;
  /** Called with the ids of the rows rendered (in view plus a few), when they change. */
  onVisibleIds: (ids: readonly string[]) => void;
}

/**
 * MonitorList is the overview's list of monitors, virtualized against the window: only the rows in view
 * (and a few either side) are in the DOM, so thousands of monitors scroll smoothly, and the
 * page scrolls as one (no box-in-a-box scrolling on a phone). Rows have a fixed height per
 * breakpoint, so nothing needs measuring.
 */
export function MonitorList({
  monitors,
  summaries,
  now,
  liveness,
  onVisibleIds,
}: MonitorListProps) {
  const wide = useMediaQuery("(min-width: 40rem)");
  const rowHeight = wide ? ROW_HEIGHT.wide : ROW_HEIGHT.compact;
  const body = useRef<HTMLUListElement>(null);
  const scrollMargin = useDocumentOffset(body);

  const virtualizer = useWindowVirtualizer({
    count: monitors.length,
    estimateSize: () => rowHeight,
    overscan: 8,
    scrollMargin,
    getItemKey: (index) => monitors[index]?.id ?? index,
  });
  useEffect(() => {
    // The estimate changed with the breakpoint: drop the sizes cached for the old one.
    if (rowHeight) virtualizer.measure();
  }, [rowHeight, virtualizer]);

  const items = virtualizer.getVirtualItems();
  const key = items.map((item) => monitors[item.index]?.id ?? "").join(",");
  useEffect(() => {
    onVisibleIds(key === "" ? [] : key.split(","));
  }, [key, onVisibleIds]);

  return (
    <div className="rounded-lg border border-slate-200 dark:border-slate-800">
      {/* Column titles for sighted people; each row says the same to screen readers. */}
      <div
        aria-hidden
        className={`${ROW_GRID} sticky top-0 z-10 hidden rounded-t-lg border-b border-slate-200 bg-white text-xs font-medium text-slate-500 sm:grid sm:h-9 dark:border-slate-800 dark:bg-slate-950 dark:text-slate-400`}
      >
        <span />
        <span>Monitor</span>
        <span className="text-right">Uptime 24 h</span>
        <span>Latency 24 h</span>
        <span className="text-right">Last check</span>
      </div>
      <ul
        aria-label="Monitors"
        ref={body}
        style={{ height: virtualizer.getTotalSize(), position: "relative" }}
      >
        {items.map((item) => {
          const monitor = monitors[item.index];
          if (!monitor) return null;
          return (
            <MonitorRow
              key={monitor.id}
              monitor={monitor}
              summary={summaries.get(monitor.id)}
              now={now}
              position={item.index + 1}
              setSize={monitors.length}
              silentRegions={silentRegionsOf(monitor, liveness)}
              style={{
                position: "absolute",
                top: 0,
                left: 0,
                width: "100%",
                height: item.size,
                transform: `translateY(${item.start - scrollMargin}px)`,
              }}
            />
          );
        })}
      </ul>
    </div>
  );
}

/**
 * useDocumentOffset is how far an element starts from the top of the document: the window
 * virtualizer's scrollMargin. It moves when anything above it changes height (the host strip
 * loading, a rotated phone), which changes the body's size, which is what is observed.
 */
function useDocumentOffset(ref: RefObject<HTMLElement | null>): number {
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    const measure = () => {
      const element = ref.current;
      if (!element) return;
      const top = element.getBoundingClientRect().top + window.scrollY;
      setOffset((previous) => (Math.abs(previous - top) < 0.5 ? previous : top));
    };
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [ref]);
  return offset;
}
