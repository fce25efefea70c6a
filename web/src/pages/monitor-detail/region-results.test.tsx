// @vitest-environment happy-dom
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { CheckResultSchema } from "../../../../gen/pulsar/v1/check_pb";
import {
  RegionResultSchema,
  RegionRule,
  RegionStatsSchema,
} from "../../../../gen/pulsar/v1/monitor_pb";
import { RegionResults } from "./region-results";
import { regionRowsOf } from "./region-rows";

afterEach(cleanup);

const NOW = Date.parse("2026-12-07T12:00:00Z");
const DAY = 86_400_000;

function result(
  region: string,
  secondsAgo: number,
  fields: {
    up?: boolean;
    error?: string;
    dnsMs?: number;
    ttfbMs?: number;
    certExpiresAtMs?: number;
    certIssuer?: string;
  } = {},
) {
  return create(CheckResultSchema, {
    region,
    checkedAt: timestampFromMs(NOW - secondsAgo * 1000),
    up: fields.up ?? true,
    error: fields.error ?? "",
    timing: { totalMs: 87, dnsMs: fields.dnsMs ?? 0, ttfbMs: fields.ttfbMs ?? 0 },
    tlsCertExpiresAt:
      fields.certExpiresAtMs === undefined ? undefined : timestampFromMs(fields.certExpiresAtMs),
    tlsCertIssuer: fields.certIssuer ?? "",
  });
}

/** regionStats is a region's stats over 24 h: checks, failures and total-time percentiles. */
function regionStats(region: string, checks: number, failures: number, p: number[] = [0, 0, 0]) {
  return create(RegionStatsSchema, {
    region,
    stats: {
      window: "24h",
      checks: BigInt(checks),
      failures: BigInt(failures),
      uptimeRatio: checks === 0 ? 0 : (checks - failures) / checks,
      totalMs: { p50: p[0], p95: p[1], p99: p[2] },
    },
  });
}

/** figure is the value shown under a card's term ("Uptime 24 h", "p95"). */
function figure(card: HTMLElement, term: string | RegExp): string {
  return within(card).getByText(term).nextElementSibling?.textContent ?? "";
}

/** rows are the region cards (the waterfalls' legends are lists of their own). */
function rows(): HTMLElement[] {
  return [...screen.getByRole("list", { name: "Regions" }).children] as HTMLElement[];
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

describe("RegionResults with each region's stats", () => {
  const regions = [
    create(RegionResultSchema, {
      region: "eu-west",
      result: result("eu-west", 12, { dnsMs: 4, ttfbMs: 61 }),
    }),
    create(RegionResultSchema, {
      region: "us-east",
      result: result("us-east", 20, { up: false, error: "HTTP 503", dnsMs: 9, ttfbMs: 30 }),
    }),
    create(RegionResultSchema, {
      region: "ap-south",
      result: result("ap-south", 600, { dnsMs: 1, ttfbMs: 70 }),
      silent: true,
    }),
  ];

  it("shows side by side each region's uptime, p50 / p95 / p99 over the window and its latest waterfall", () => {
    render(
      <RegionResults
        nowMs={NOW}
        rule={RegionRule.MAJORITY}
        regions={regions}
        windowLabel="24 h"
        // Not in the monitor's order: matched by name.
        stats={[
          regionStats("us-east", 200, 30, [140, 900, 2500]),
          regionStats("eu-west", 1000, 5, [95.4, 180, 320]),
          regionStats("ap-south", 0, 0),
        ]}
      />,
    );
    expect(screen.getByText(/over the last 24 h\.$/)).toBeTruthy();
    const [eu, us, ap] = rows() as [HTMLElement, HTMLElement, HTMLElement];

    expect(figure(eu, "Uptime 24 h")).toBe("99.50 %");
    expect(eu.textContent).toContain("5 of 1000 failed");
    expect([figure(eu, "p50"), figure(eu, "p95"), figure(eu, "p99")]).toEqual([
      "95 ms",
      "180 ms",
      "320 ms",
    ]);
    const euWaterfall = within(eu).getByRole("figure", {
      name: "Timing of the latest check from eu-west",
    });
    expect(within(euWaterfall).getByText("DNS").nextElementSibling?.textContent).toBe("4.0 ms");
    expect(within(euWaterfall).getByText("TTFB").nextElementSibling?.textContent).toBe("61 ms");

    expect(figure(us, "Uptime 24 h")).toBe("85.00 %");
    expect([figure(us, "p50"), figure(us, "p95"), figure(us, "p99")]).toEqual([
      "140 ms",
      "900 ms",
      "2.50 s",
    ]);
    const usWaterfall = within(us).getByRole("figure", {
      name: "Timing of the latest check from us-east",
    });
    expect(within(usWaterfall).getByText("DNS").nextElementSibling?.textContent).toBe("9.0 ms");

    // Silent, and no check in the window: no figures, but its last check's waterfall.
    expect(figure(ap, "Uptime 24 h")).toBe("—");
    expect(ap.textContent).toContain("no checks");
    expect([figure(ap, "p50"), figure(ap, "p95"), figure(ap, "p99")]).toEqual(["—", "—", "—"]);
    expect(
      within(ap).getByRole("figure", { name: "Timing of the latest check from ap-south" }),
    ).toBeTruthy();
  });

  it("shows dashes while the stats load, and no waterfall for a DNS monitor", () => {
    render(
      <RegionResults
        nowMs={NOW}
        rule={RegionRule.ANY}
        regions={regions}
        windowLabel="1 h"
        kind="dns"
      />,
    );
    expect(screen.getByText(/percentiles of the query time over the last 1 h\.$/)).toBeTruthy();
    for (const card of rows()) {
      expect(figure(card, "Uptime 1 h")).toBe("—");
      expect(figure(card, "p99")).toBe("—");
      expect(card.textContent).not.toContain("failed");
      expect(within(card).queryByRole("figure")).toBeNull();
    }
  });
});

describe("RegionResults with each region's certificate", () => {
  /** certificateOf is a card's certificate line: its days left and their colour, then its detail. */
  function certificateOf(card: HTMLElement) {
    const term = within(card).queryByText("Certificate");
    const value = term?.nextElementSibling;
    return {
      shown: term !== null,
      value: value?.textContent ?? "",
      className: value?.className ?? "",
      detail: value?.nextElementSibling?.textContent ?? "",
    };
  }

  it("shows each region the certificate its latest check saw, with its own days left and issuer", () => {
    const euExpiry = NOW + 45 * DAY + 3_600_000;
    const usExpiry = NOW + 10 * DAY + 3_600_000;
    render(
      <RegionResults
        nowMs={NOW}
        rule={RegionRule.MAJORITY}
        certificate
        alertDays={[14, 3]}
        regions={[
          create(RegionResultSchema, {
            region: "eu-west",
            result: result("eu-west", 12, { certExpiresAtMs: euExpiry, certIssuer: "R11" }),
          }),
          create(RegionResultSchema, {
            region: "us-east",
            result: result("us-east", 20, {
              certExpiresAtMs: usExpiry,
              certIssuer: "Google Trust Services WE1",
            }),
          }),
          create(RegionResultSchema, {
            region: "ap-south",
            result: result("ap-south", 15, { certExpiresAtMs: NOW + 2 * DAY, certIssuer: "E6" }),
          }),
        ]}
      />,
    );
    const [eu, us, ap] = rows() as [HTMLElement, HTMLElement, HTMLElement];
    expect(certificateOf(eu)).toMatchObject({
      value: "45 days left",
      detail: `${new Date(euExpiry).toLocaleDateString()} · R11`,
    });
    expect(certificateOf(us)).toMatchObject({
      value: "10 days left",
      detail: `${new Date(usExpiry).toLocaleDateString()} · Google Trust Services WE1`,
    });
    expect(certificateOf(ap)).toMatchObject({ value: "2 days left" });
    expect(certificateOf(ap).detail).toContain("E6");
    // The warning starts with the first expiry alert (14 days, the largest threshold).
    expect(certificateOf(eu).className).not.toContain("amber");
    expect(certificateOf(us).className).toContain("amber");
    expect(certificateOf(ap).className).toContain("amber");
  });

  it("says a region's latest check saw no certificate, and says nothing for a region not checked yet", () => {
    render(
      <RegionResults
        nowMs={NOW}
        rule={RegionRule.MAJORITY}
        certificate
        alertDays={[]}
        regions={[
          create(RegionResultSchema, {
            region: "eu-west",
            result: result("eu-west", 12, { certExpiresAtMs: NOW + 45 * DAY, certIssuer: "R11" }),
          }),
          create(RegionResultSchema, {
            region: "us-east",
            result: result("us-east", 20, { up: false, error: "TLS handshake failed" }),
          }),
          create(RegionResultSchema, { region: "ap-south" }),
        ]}
      />,
    );
    const [eu, us, ap] = rows() as [HTMLElement, HTMLElement, HTMLElement];
    expect(certificateOf(eu).value).toBe("45 days left");
    expect(certificateOf(us)).toMatchObject({
      shown: true,
      value: "no certificate in the latest check",
    });
    expect(us.textContent).not.toContain("days left");
    expect(certificateOf(ap).shown).toBe(false);
  });

  it("flags an expired certificate seen by one region", () => {
    render(
      <RegionResults
        nowMs={NOW}
        rule={RegionRule.ANY}
        certificate
        alertDays={[14, 3]}
        regions={[
          create(RegionResultSchema, {
            region: "eu-west",
            result: result("eu-west", 12, { certExpiresAtMs: NOW + 60 * DAY, certIssuer: "R11" }),
          }),
          create(RegionResultSchema, {
            region: "us-east",
            result: result("us-east", 20, {
              up: false,
              error: "certificate has expired",
              certExpiresAtMs: NOW - 3 * DAY,
              certIssuer: "Old CA",
            }),
          }),
        ]}
      />,
    );
    const [eu, us] = rows() as [HTMLElement, HTMLElement];
    expect(certificateOf(us).value).toBe("expired 3 d ago");
    expect(certificateOf(us).className).toContain("text-red");
    expect(certificateOf(us).detail).toContain("Old CA");
    expect(certificateOf(eu).value).toBe("60 days left");
    expect(certificateOf(eu).className).not.toContain("text-red");
    expect(certificateOf(eu).className).not.toContain("amber");
  });

  it("shows no certificate line for a monitor whose target has none", () => {
    const regions = [
      create(RegionResultSchema, { region: "eu-west", result: result("eu-west", 12) }),
      create(RegionResultSchema, {
        region: "us-east",
        result: result("us-east", 20, { up: false, error: "timeout" }),
      }),
    ];
    const { rerender } = render(
      <RegionResults nowMs={NOW} rule={RegionRule.ANY} regions={regions} certificate={false} />,
    );
    for (const card of rows()) {
      expect(certificateOf(card).shown).toBe(false);
      expect(card.textContent).not.toContain("certificate");
    }
    // Without the prop too (DNS): the default is no certificate.
    rerender(<RegionResults nowMs={NOW} rule={RegionRule.ANY} regions={regions} kind="dns" />);
    for (const card of rows()) expect(certificateOf(card).shown).toBe(false);
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
