import type { RegionState } from "../../../../gen/pulsar/v1/monitor_pb";
import { ago, timestampMs } from "../../lib/format";
import { type RegionDotKind, regionDotKind } from "./region-states";

const COLOR: Record<RegionDotKind, string> = {
  up: "bg-up",
  down: "bg-down",
  // A hollow ring: silent differs from up and down in shape as well as colour.
  silent: "border border-slate-400 dark:border-slate-500",
};

const WORD: Record<RegionDotKind, string> = { up: "up", down: "down", silent: "silent" };

/**
 * RegionDots shows a monitor of several regions as one small dot per region, in its order: green
 * when the region's latest result was up, red when down, a grey ring when the region is silent
 * (no result within two intervals: it does not vote). Each dot says its region and state in
 * words, to screen readers (an image each, named) and in its tooltip.
 */
export function RegionDots({
  states,
  intervalSeconds,
  now,
}: {
  states: readonly RegionState[];
  intervalSeconds: number;
  now: number;
}) {
  return (
    <span className="inline-flex shrink-0 items-center gap-0.5">
      {states.map((state) => {
        const kind = regionDotKind(state, intervalSeconds, now);
        const checkedAt = timestampMs(state.checkedAt);
        const label = `${state.region}: ${WORD[kind]}`;
        const when = checkedAt ? `last result ${ago(checkedAt, now)}` : "no result yet";
        return (
          <span
            key={state.region}
            role="img"
            aria-label={label}
            title={`${label} (${when})`}
            className={`inline-block h-2 w-2 rounded-full ${COLOR[kind]}`}
          />
        );
      })}
    </span>
  );
}
