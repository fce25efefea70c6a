import { clone, create } from "@bufbuild/protobuf";
import { type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";
import {
  CheckErrorKind,
  type CheckResult,
  CheckResultSchema,
} from "../../../gen/pulsar/v1/check_pb.js";
import { timestampUs } from "../../db/timestamp-text.js";

/** RegionRule is monitors.region_rule: how many failing regions make a monitor DOWN. */
export type RegionRule = "any" | "majority" | "all";

/** RegionVote is a region's latest result of a monitor, as far as its vote needs it. */
export interface RegionVote {
  /** When it was checked, epoch microseconds. */
  us: bigint;
  up: boolean;
  error: string;
}

/** RegionPolicy is how a monitor checked from several regions is decided. */
export interface RegionPolicy {
  /** The regions that check it (more than one), in the order the user listed them. */
  regions: readonly string[];
  rule: RegionRule;
  /** The monitor's interval: a region whose latest result is older than two is silent. */
  intervalSeconds: number;
}

/** RegionalResults is what regionalResults made of a batch of one monitor's results. */
export interface RegionalResults {
  /** The results of the monitor's regions, each with up decided by the votes at its time. */
  effective: CheckResult[];
  /** Each region's newest result of the batch that moved its latest on (to save). */
  newest: Map<string, CheckResult>;
}

/**
 * regionalResults decides a batch of a monitor's results by its regions' votes: in checked_at
 * order, a result of one of its regions becomes that region's latest (unless that is newer),
 * and the voting regions are those whose latest is within two intervals of the result's time;
 * the rule over the failing ones among them gives the result's verdict. Each result of its
 * regions comes back as the effective one (the state machine's input): the result itself with
 * up = the verdict and, when down, an error naming the failing regions with their errors; when
 * up, no error (a region still failing is not the monitor's). Results of other regions count for
 * nothing. `latest` (from monitor_region_state) is moved on in place.
 */
export function regionalResults(
  policy: RegionPolicy,
  latest: Map<string, RegionVote>,
  results: readonly CheckResult[],
): RegionalResults {
  const regions = new Set(policy.regions);
  const ordered = results
    .filter((result) => regions.has(result.region))
    .map((result) => ({ result, us: timestampUs(result.checkedAt) }))
    .sort((a, b) => (a.us < b.us ? -1 : a.us > b.us ? 1 : 0));
  const effective: CheckResult[] = [];
  const newest = new Map<string, CheckResult>();
  for (const { result, us } of ordered) {
    const previous = latest.get(result.region);
    if (previous === undefined || us > previous.us) {
      latest.set(result.region, { us, up: result.up, error: result.error });
      newest.set(result.region, result);
    }
    effective.push(decideAt(policy, latest, result, us));
  }
  return { effective, newest };
}

/**
 * decideAt is a result with up (and error) as the votes in `latest` decide at `us`: the voting
 * regions are those whose latest is within two intervals of it.
 */
function decideAt(
  policy: RegionPolicy,
  latest: ReadonlyMap<string, RegionVote>,
  result: CheckResult,
  us: bigint,
): CheckResult {
  const freshUs = 2n * BigInt(policy.intervalSeconds) * 1_000_000n;
  const voting = policy.regions.filter((region) => {
    const vote = latest.get(region);
    return vote !== undefined && us - vote.us <= freshUs;
  });
  const failing = voting.filter((region) => latest.get(region)?.up === false);
  const down = verdictDown(policy.rule, failing.length, voting.length);
  const decided = clone(CheckResultSchema, result);
  decided.up = !down;
  if (down) {
    decided.error = downError(policy.regions, voting, failing, latest);
  } else if (!result.up) {
    decided.error = "";
    decided.errorKind = CheckErrorKind.UNSPECIFIED;
  }
  return decided;
}

/**
 * lateDecision is what a batch of late votes decides: when every result of the batch is older
 * than the newest one the monitor's state counted (another region's batch landed first, as
 * batches of different regions do), the state machine would skip them all and the votes they
 * moved on would decide nothing until the region's next check, an interval later. It returns
 * the newest of the results that moved a region's vote on, decided by all the votes now and
 * stamped just after the state's newest (the moment it is decided), for the state machine to
 * count as one more check; undefined when some result is newer (its verdict already counts
 * every vote) or none moved a vote on (nothing new to decide).
 */
export function lateDecision(
  policy: RegionPolicy,
  latest: ReadonlyMap<string, RegionVote>,
  regional: RegionalResults,
  stateUs: bigint | null,
): CheckResult | undefined {
  if (stateUs === null || regional.newest.size === 0) return undefined;
  let base: { result: CheckResult; us: bigint } | undefined;
  for (const result of regional.effective) {
    if (timestampUs(result.checkedAt) > stateUs) return undefined;
  }
  for (const result of regional.newest.values()) {
    const us = timestampUs(result.checkedAt);
    if (base === undefined || us > base.us) base = { result, us };
  }
  if (base === undefined) return undefined;
  const at = stateUs + 1n;
  const decided = decideAt(policy, latest, base.result, at);
  decided.checkedAt = timestampFromUs(at);
  return decided;
}

/** timestampFromUs is a Timestamp of epoch microseconds. */
function timestampFromUs(us: bigint): Timestamp {
  return create(TimestampSchema, {
    seconds: us / 1_000_000n,
    nanos: Number(us % 1_000_000n) * 1000,
  });
}

/** verdictDown applies a region rule to the failing regions among the voting ones. */
export function verdictDown(rule: RegionRule, failing: number, voting: number): boolean {
  switch (rule) {
    case "any":
      return failing >= 1;
    case "majority":
      return failing * 2 > voting;
    case "all":
      return voting >= 1 && failing === voting;
  }
}

/**
 * downError names the failing regions and each one's error: "down in a, b (2 of 3 regions) —
 * a: HTTP 503; b: connection refused", adding the silent regions when some did not vote.
 */
function downError(
  regions: readonly string[],
  voting: readonly string[],
  failing: readonly string[],
  latest: ReadonlyMap<string, RegionVote>,
): string {
  const silent = regions.filter((region) => !voting.includes(region));
  const counted = `${failing.length} of ${voting.length} regions${silent.length > 0 ? `, silent: ${silent.join(", ")}` : ""}`;
  const errors = failing.map((region) => `${region}: ${latest.get(region)?.error || "down"}`);
  return `down in ${failing.join(", ")} (${counted}) — ${errors.join("; ")}`;
}
