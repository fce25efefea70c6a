import { RegionRule } from "../../../../gen/pulsar/v1/monitor_pb";

/** RuleName is how the form names a region rule. */
export type RuleName = "majority" | "any" | "all";

/** The server takes at most this many distinct regions, each named as REGION is. */
const MAX_REGIONS = 10;
const REGION_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** RULE_CHOICES are the "Decided by" options, majority (the server's default) first. */
export const RULE_CHOICES: readonly { value: RuleName; label: string }[] = [
  { value: "majority", label: "Most regions failing (default)" },
  { value: "any", label: "Any region failing" },
  { value: "all", label: "All regions failing" },
];

const RULE_OF_NAME: Record<RuleName, RegionRule> = {
  majority: RegionRule.MAJORITY,
  any: RegionRule.ANY,
  all: RegionRule.ALL,
};

/** ruleOfName is the RegionRule a form choice stands for. */
export function ruleOfName(name: RuleName): RegionRule {
  return RULE_OF_NAME[name];
}

/** ruleNameOf is the form's choice for a stored rule; unspecified is the server's majority. */
export function ruleNameOf(rule: RegionRule): RuleName {
  if (rule === RegionRule.ANY) return "any";
  if (rule === RegionRule.ALL) return "all";
  return "majority";
}

/** regionNamesOf splits "eu-west, us-east" (commas or spaces) into names, repeats dropped. */
export function regionNamesOf(text: string): string[] {
  const names = text.split(/[\s,]+/).filter((part) => part !== "");
  return [...new Set(names)];
}

/**
 * parseRegions reads the regions as typed. Empty text is none: the installation's default
 * region. A name must be written as a worker's REGION is, so a typo cannot make a region that
 * no worker serves without being seen here first.
 */
export function parseRegions(text: string): { regions: string[] } | { error: string } {
  const regions = regionNamesOf(text);
  if (regions.length > MAX_REGIONS) return { error: `At most ${MAX_REGIONS} regions` };
  const bad = regions.find((name) => !REGION_NAME.test(name));
  if (bad !== undefined) {
    return {
      error: `"${bad}" is not a region name: lower-case letters, digits and hyphens, starting with a letter or digit`,
    };
  }
  return { regions };
}
