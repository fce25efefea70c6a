import { describe, expect, it } from "vitest";
import { RegionRule } from "../../../../gen/pulsar/v1/monitor_pb";
import { parseRegions, ruleNameOf, ruleOfName } from "./regions";

describe("parseRegions", () => {
  it("reads names separated by commas or spaces, once each, in the order typed", () => {
    expect(parseRegions(" b, a  c,b ")).toEqual({ regions: ["b", "a", "c"] });
  });

  it("takes empty text as no regions: the installation's default", () => {
    expect(parseRegions("  ")).toEqual({ regions: [] });
  });

  it("refuses more than ten regions and names not written as REGION is", () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `r${i}`).join(" ");
    expect(parseRegions(eleven)).toEqual({ error: "At most 10 regions" });
    expect(parseRegions("-west")).toMatchObject({ error: expect.stringContaining('"-west"') });
    expect(parseRegions(`a${"b".repeat(63)}`)).toHaveProperty("error");
    expect(parseRegions(`a${"b".repeat(62)}`)).toEqual({ regions: [`a${"b".repeat(62)}`] });
  });
});

describe("region rules", () => {
  it("reads an unspecified rule as the server's majority, and maps each choice back", () => {
    expect(ruleNameOf(RegionRule.UNSPECIFIED)).toBe("majority");
    for (const rule of [RegionRule.ANY, RegionRule.MAJORITY, RegionRule.ALL]) {
      expect(ruleOfName(ruleNameOf(rule))).toBe(rule);
    }
  });
});
