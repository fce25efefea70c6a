import { create } from "@bufbuild/protobuf";
import type { CheckResult } from "../../../../gen/pulsar/v1/check_pb";
import {
  type Monitor,
  type RegionResult,
  RegionResultSchema,
  RegionRule,
} from "../../../../gen/pulsar/v1/monitor_pb";
import { timestampMs } from "../../lib/format";

/** Regions without a result within this many intervals do not vote (the server's rule). */
const FRESH_INTERVALS = 2;

/**
 * regionRowsOf is each of the monitor's regions, in its order, with its latest result as
 * GetMonitor gave it (none yet for a region it did not name), replaced by a newer one of that
 * region from the stream. A replaced region is silent when even its new result is older than
 * two intervals, as the server would say.
 */
export function regionRowsOf(
  monitor: Pick<Monitor, "regions" | "regionResults" | "intervalSeconds">,
  live: readonly CheckResult[],
  nowMs = Date.now(),
): RegionResult[] {
  return monitor.regions.map((region) => {
    const row =
      monitor.regionResults.find((held) => held.region === region) ??
      create(RegionResultSchema, { region });
    let newest = row.result;
    for (const result of live) {
      if (result.region !== row.region) continue;
      if (timestampMs(result.checkedAt) > timestampMs(newest?.checkedAt)) newest = result;
    }
    if (newest === row.result || !newest) return row;
    const ageMs = nowMs - timestampMs(newest.checkedAt);
    return create(RegionResultSchema, {
      region: row.region,
      result: newest,
      silent: ageMs > FRESH_INTERVALS * monitor.intervalSeconds * 1000,
    });
  });
}

/** ruleInWords says when a rule makes a monitor DOWN. */
export function ruleInWords(rule: RegionRule): string {
  switch (rule) {
    case RegionRule.ANY:
      return "DOWN when any region fails";
    case RegionRule.ALL:
      return "DOWN only when every region fails";
    default:
      return "DOWN when most regions fail (more than half of those with a fresh result)";
  }
}
