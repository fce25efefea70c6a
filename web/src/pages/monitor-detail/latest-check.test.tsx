// @vitest-environment happy-dom
import { create } from "@bufbuild/protobuf";
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { CheckResultSchema, CheckTimingSchema } from "../../../../gen/pulsar/v1/check_pb";
import { LatestCheck } from "./latest-check";

afterEach(cleanup);

function result(timing: Partial<Record<string, number>>, extra = {}) {
  return create(CheckResultSchema, {
    up: true,
    statusCode: 200,
    remoteAddress: "203.0.113.7",
    checkedAt: { seconds: BigInt(Math.floor(Date.now() / 1000)) },
    timing: create(CheckTimingSchema, timing),
    ...extra,
  });
}

/** paragraphs are the texts of the check's summary line and, when down, of its error. */
function paragraphs(): (string | null)[] {
  return [...document.querySelectorAll("p")].map((p) => p.textContent);
}

/** summary is the summary line's parts: up or down, status, total time, address (not the age). */
function summary(): (string | null)[] {
  const line = document.querySelector("p");
  return [...(line?.children ?? [])].slice(0, -1).map((part) => part.textContent);
}

function widthOf(label: string): string {
  const segment = document.querySelector<HTMLElement>(`[data-segment="${label}"]`);
  return segment?.style.width ?? "missing";
}

describe("LatestCheck", () => {
  it("names DNS, TCP, TLS, TTFB and Download with their milliseconds, widths proportional", () => {
    render(
      <LatestCheck
        result={result({
          dnsMs: 10,
          connectMs: 20,
          tlsMs: 30,
          ttfbMs: 40,
          downloadMs: 100,
          totalMs: 200,
        })}
      />,
    );
    const legend = within(screen.getByRole("figure", { name: "Timing of the latest check" }))
      .getByRole("list")
      .querySelectorAll("li");
    expect([...legend].map((item) => item.textContent)).toEqual([
      "DNS10 ms",
      "TCP20 ms",
      "TLS30 ms",
      "TTFB40 ms",
      "Download100 ms",
    ]);
    expect(["DNS", "TCP", "TLS", "TTFB", "Download"].map(widthOf)).toEqual([
      "5%",
      "10%",
      "15%",
      "20%",
      "50%",
    ]);
    expect(summary()).toEqual(["Up", "HTTP 200", "200 ms total", "from 203.0.113.7"]);
  });

  it("adds Redirects before DNS only when redirects took time", () => {
    render(<LatestCheck result={result({ redirectMs: 50, dnsMs: 50, totalMs: 100 })} />);
    const names = [...screen.getByRole("list").querySelectorAll("li")].map(
      (item) => item.querySelector(".font-medium")?.textContent,
    );
    expect(names).toEqual(["Redirects", "DNS", "TCP", "TLS", "TTFB", "Download"]);
    expect(widthOf("Redirects")).toBe("50%");
    // A phase that took no time has no segment, but keeps its place in the legend.
    expect(widthOf("TLS")).toBe("missing");
  });

  it("shows why a check is down", () => {
    render(
      <LatestCheck
        result={result(
          { dnsMs: 3, connectMs: 5000, totalMs: 5003 },
          { up: false, statusCode: 0, error: "timed out after 5000 ms while connecting" },
        )}
      />,
    );
    expect(summary()).toEqual(["Down", "HTTP —", "5.00 s total", "from 203.0.113.7"]);
    expect(paragraphs().slice(1)).toEqual(["timed out after 5000 ms while connecting"]);
  });
});
