import { create, fromJson } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type CheckResult, CheckResultSchema } from "../../../gen/pulsar/v1/check_pb.js";
import {
  type Monitor,
  type MonitorSpec,
  type RegionResult,
  RegionResultSchema,
  RegionRule,
  type RegionState,
  RegionStateSchema,
} from "../../../gen/pulsar/v1/monitor_pb.js";
import { InvalidArgumentError } from "../../core/errors.js";
import type { MonitorKindName } from "./monitor-kind.js";
import type { Json } from "./monitors.queries.js";

/** MAX_REGIONS bounds MonitorSpec.regions: each region is another check every interval. */
export const MAX_REGIONS = 10;
/** REGION_NAME is the form of a region's name, the same as the REGION setting's. */
export const REGION_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** RegionRuleName is how monitors.region_rule stores a RegionRule. */
export type RegionRuleName = "any" | "majority" | "all";

const RULE_NAMES: ReadonlyMap<RegionRule, RegionRuleName> = new Map([
  // Unset is the documented default.
  [RegionRule.UNSPECIFIED, "majority"],
  [RegionRule.ANY, "any"],
  [RegionRule.MAJORITY, "majority"],
  [RegionRule.ALL, "all"],
]);

/** regionRuleOfName reads monitors.region_rule; the column's CHECK allows nothing else. */
export function regionRuleOfName(name: string): RegionRule {
  if (name === "any") return RegionRule.ANY;
  if (name === "all") return RegionRule.ALL;
  return RegionRule.MAJORITY;
}

/**
 * resolveRegions validates MonitorSpec.regions and region_rule: at most MAX_REGIONS distinct
 * names of REGION's form, none for a heartbeat (its pings come to the API, nobody checks it),
 * and a known rule. A duplicate is refused rather than dropped: a client that lists a region
 * twice may believe it counts twice in the vote.
 */
export function resolveRegions(
  spec: Pick<MonitorSpec, "regions" | "regionRule">,
  field: string,
  kind: MonitorKindName,
): { regions: string[]; regionRule: RegionRuleName } {
  const at = `${field}.regions`;
  if (kind === "heartbeat" && spec.regions.length > 0)
    throw new InvalidArgumentError(
      at,
      "must be empty for heartbeat monitors (pings come to the API)",
    );
  if (spec.regions.length > MAX_REGIONS)
    throw new InvalidArgumentError(at, `must have at most ${MAX_REGIONS} regions`);
  const seen = new Set<string>();
  spec.regions.forEach((region, i) => {
    if (!REGION_NAME.test(region))
      throw new InvalidArgumentError(
        `${at}[${i}]`,
        "must be 1–63 of a–z, 0–9 and '-', starting with a letter or digit",
      );
    if (seen.has(region))
      throw new InvalidArgumentError(`${at}[${i}]`, `repeats region "${region}"`);
    seen.add(region);
  });
  const regionRule = RULE_NAMES.get(spec.regionRule);
  if (regionRule === undefined)
    throw new InvalidArgumentError(
      `${field}.regionRule`,
      "must be REGION_RULE_ANY, REGION_RULE_MAJORITY or REGION_RULE_ALL",
    );
  return { regions: [...spec.regions], regionRule };
}

/** withDefaultRegion resolves a monitor's stored regions: none stored is the default region. */
export function withDefaultRegion<T extends { regions: string[] }>(
  monitor: T,
  defaultRegion: string,
): T {
  if (monitor.regions.length === 0) monitor.regions = [defaultRegion];
  return monitor;
}

/** RegionStateRow is a monitor_region_state row as GetMonitorWithRegionResults reads it. */
export interface RegionStateRow {
  region: string;
  last_checked_at: Date;
  last_result: Json;
}

/** RegionLatest is a region's latest result of a monitor. */
export interface RegionLatest {
  region: string;
  checkedAt: Date;
  result: CheckResult;
}

/** regionLatestOf reads monitor_region_state rows (GetMonitorWithRegionResults). */
export function regionLatestOf(rows: readonly RegionStateRow[]): RegionLatest[] {
  return rows.map((row) => ({
    region: row.region,
    checkedAt: row.last_checked_at,
    // Unknown fields tolerated, as for monitor_state.last_result (monitor-row.ts).
    result: fromJson(CheckResultSchema, row.last_result, { ignoreUnknownFields: true }),
  }));
}

/**
 * ownRegionLatest is the latest result of a monitor checked from one region: its own latest
 * result (monitor_state). Such a monitor keeps no monitor_region_state row, since nothing votes:
 * writing one with every batch cost each check a second row update (issue 21).
 */
export function ownRegionLatest(monitor: Pick<Monitor, "regions" | "lastResult">): RegionLatest[] {
  const [region] = monitor.regions;
  const result = monitor.lastResult;
  if (region === undefined || !result?.checkedAt) return [];
  return [{ region, checkedAt: timestampDate(result.checkedAt), result }];
}

/**
 * regionResultsOf builds Monitor.region_results: one per region, in the monitor's order. A
 * region is silent, as it is when votes are counted, when its latest result is older than two
 * intervals before now, or when it has none.
 */
export function regionResultsOf(
  regions: readonly string[],
  latest: readonly RegionLatest[],
  intervalSeconds: number,
  now: Date,
): RegionResult[] {
  const byRegion = new Map(latest.map((entry) => [entry.region, entry]));
  return regions.map((region) => {
    const entry = byRegion.get(region);
    return create(RegionResultSchema, {
      region,
      result: entry?.result,
      silent: isSilent(entry?.checkedAt, intervalSeconds, now),
    });
  });
}

/** RegionUp is a region's latest up and time, as the monitor queries read them (monitors.sql). */
export interface RegionUp {
  region: string;
  up: boolean;
  checkedAt: Date;
}

/**
 * isSilent is the two-interval rule, the same for the vote, region_results and region_states: a
 * region whose latest result is older than two intervals before now, or that has none, is silent.
 */
export function isSilent(checkedAt: Date | undefined, intervalSeconds: number, now: Date): boolean {
  return !checkedAt || checkedAt.getTime() < now.getTime() - 2 * intervalSeconds * 1000;
}

/**
 * regionStatesOf builds Monitor.region_states for a monitor of several regions: one per region,
 * in the monitor's order; a region without a result is down and silent. Empty for one region
 * (or none: the default), whose state is the monitor's own.
 */
export function regionStatesOf(
  regions: readonly string[],
  latest: readonly RegionUp[],
  intervalSeconds: number,
  now: Date,
): RegionState[] {
  if (regions.length < 2) return [];
  const byRegion = new Map(latest.map((entry) => [entry.region, entry]));
  return regions.map((region) => {
    const entry = byRegion.get(region);
    return create(RegionStateSchema, {
      region,
      up: entry?.up ?? false,
      silent: isSilent(entry?.checkedAt, intervalSeconds, now),
      checkedAt: entry && timestampFromDate(entry.checkedAt),
    });
  });
}

/**
 * requireServedRegions refuses regions that no worker has served (REGION=<name>), that hold no
 * probe token (ProbeService) and that are not the installation's default: regions come into
 * being when an operator starts a worker or makes a probe token for them, never from what a
 * stranger types, so the regions' schedules, queues and names stay few and every region listed
 * can check the monitor (a region whose workers and probes have all stopped shows as silent).
 */
export function requireServedRegions(
  regions: readonly string[],
  field: string,
  served: readonly string[],
  defaultRegion: string,
): void {
  const known = new Set([...served, defaultRegion]);
  regions.forEach((region, i) => {
    if (!known.has(region))
      throw new InvalidArgumentError(
        `${field}.regions[${i}]`,
        `names region "${region}", which no worker or probe serves (regions: ${[...known].sort().join(", ")})`,
      );
  });
}
