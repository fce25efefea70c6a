import { create } from "@bufbuild/protobuf";
import type { CheckResult } from "../../../../gen/pulsar/v1/check_pb";
import { type RegionState, RegionStateSchema } from "../../../../gen/pulsar/v1/monitor_pb";
import { timestampMs } from "../../lib/format";

/** RegionDotKind is what a region dot shows: the region's latest result, or that it is silent. */
export type RegionDotKind = "up" | "down" | "silent";

/**
 * regionDotKind reads a region's state as its dot shows it. The server decided `silent` when the
 * list was loaded; a region whose latest result has since grown older than two intervals (its
 * workers or probes stopped) goes silent here too, by the page's clock, as it would on reload.
 */
export function regionDotKind(
  state: RegionState,
  intervalSeconds: number,
  nowMs: number,
): RegionDotKind {
  const checkedAt = timestampMs(state.checkedAt);
  if (state.silent || checkedAt === 0 || checkedAt < nowMs - 2 * intervalSeconds * 1000)
    return "silent";
  return state.up ? "up" : "down";
}

/**
 * withRegionResult is a monitor's region states after a live result from one of its regions:
 * that region's dot takes the result's up and time, unless it already shows a later result (the
 * stream replays the recent past). The same array when nothing changed; a region the monitor
 * does not list (or a monitor of one region: no states) changes nothing.
 */
export function withRegionResult(states: RegionState[], result: CheckResult): RegionState[] {
  const i = states.findIndex((state) => state.region === result.region);
  const had = states[i];
  if (!had || timestampMs(result.checkedAt) < timestampMs(had.checkedAt)) return states;
  const next = [...states];
  next[i] = create(RegionStateSchema, {
    region: had.region,
    up: result.up,
    silent: false,
    checkedAt: result.checkedAt,
  });
  return next;
}
