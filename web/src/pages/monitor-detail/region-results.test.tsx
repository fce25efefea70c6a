// @vitest-environment happy-dom
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { CheckResultSchema } from "../../../../gen/pulsar/v1/check_pb";
import { RegionResultSchema, RegionRule } from "../../../../gen/pulsar/v1/monitor_pb";
import { RegionResults } from "./region-results";
import { regionRowsOf } from "./region-rows";

afterEach(cleanup);

const NOW = Date.parse("2026-12-07T12:00:00Z");

function result(region: string, secondsAgo: number, fields: { up?: boolean; error?: string } = {}) {
  return create(CheckResultSchema, {
    region,
    checkedAt: timestampFromMs(NOW - secondsAgo * 1000),
    up: fields.up ?? true,
    error: fields.error ?? "",
    timing: { totalMs: 87 },
  });
}

function rows(): HTMLElement[] {
  return within(screen.getByRole("list", { name: "Regions" })).getAllByRole("listitem");
}

describe("RegionResults", () => {
  it("shows each region in order: fresh and up, down with its error, silent", () => {
    render(
      <RegionResults
        nowMs={NOW}
        rule={RegionRule.MAJORITY}
        regions={[
          create(RegionResultSchema, { region: "eu-west", result: result("eu-west", 12) }),
          create(RegionResultSchema, {
            region: "us-east",
            result: result("us-east", 20, { up: false, error: "HTTP 503" }),
          }),
          create(RegionResultSchema, {
            region: "ap-south",
            result: result("ap-south", 600, { up: false, error: "timeout" }),
            silent: true,
          }),
        ]}
      />,
    );
    expect(screen.getByText(/^DOWN when most regions fail/)).toBeTruthy();
    const [fresh, down, silent] = rows();
    expect(fresh?.textContent).toContain("eu-west");
    expect(fresh?.textContent).toContain("12 s ago");
    expect(fresh?.textContent).toContain("87 ms");
    expect(within(fresh as HTMLElement).getAllByText("Up").length).toBeGreaterThan(0);
    expect(down?.textContent).toContain("us-east");
    expect(down?.textContent).toContain("HTTP 503");
    expect(within(down as HTMLElement).getAllByText("Down").length).toBeGreaterThan(0);
    expect(silent?.textContent).toContain("silent — no result within two intervals");
    // A silent region's old error is not why the monitor is what it is: it does not vote.
    expect(silent?.textContent).not.toContain("timeout");
    expect(within(silent as HTMLElement).getByText("Silent")).toBeTruthy();
  });

  it("says the rule in words", () => {
    const regions = [create(RegionResultSchema, { region: "a" })];
    const { rerender } = render(<RegionResults regions={regions} rule={RegionRule.ANY} />);
    expect(screen.getByText(/^DOWN when any region fails/)).toBeTruthy();
    rerender(<RegionResults regions={regions} rule={RegionRule.ALL} />);
    expect(screen.getByText(/^DOWN only when every region fails/)).toBeTruthy();
    expect(rows()[0]?.textContent).toContain("no result yet");
  });
});

describe("regionRowsOf", () => {
  it("lists the monitor's regions in order, a newer live result of a region replacing its own", () => {
    const monitor = {
      regions: ["a", "b", "c"],
      intervalSeconds: 30,
      regionResults: [
        create(RegionResultSchema, { region: "a", result: result("a", 25) }),
        create(RegionResultSchema, { region: "b", result: result("b", 200), silent: true }),
      ],
    };
    const live = [
      result("b", 3, { up: false, error: "HTTP 503" }),
      result("a", 40),
      result("z", 1),
    ];
    const got = regionRowsOf(monitor, live, NOW);
    expect(got.map((row) => row.region)).toEqual(["a", "b", "c"]);
    // a's live result is older than the one it has: kept.
    expect(got[0]?.result?.checkedAt).toEqual(timestampFromMs(NOW - 25_000));
    expect(got[1]).toMatchObject({ silent: false, result: { up: false, error: "HTTP 503" } });
    expect(got[2]?.result).toBeUndefined();
  });
});
