import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { FixedHistogram } from "./fixed-histogram.js";
import { readRegistry } from "./system/registry-publisher.js";

const BUCKETS = [0.001, 0.01, 0.1, 1, 10];
const PHASES = ["dns", "connect", "total"];
// Edges included: a value on a bound counts in that bound's bucket, one past the last in +Inf.
const VALUES = [0, 0.0005, 0.001, 0.0011, 0.05, 0.1, 0.7, 10, 11, 250];

/** Text of the one metric `name` in the registry's exposition, its name swapped for NAME. */
async function exposition(registry: Registry, name: string): Promise<string> {
  const text = await registry.getSingleMetricAsString(name);
  return text.replaceAll(name, "NAME");
}

/** ours is a FixedHistogram named "ours" on `registry`, of PHASES when `labelled`. */
function ours(registry: Registry, labelled: boolean): FixedHistogram {
  return new FixedHistogram({
    name: "ours",
    help: "h",
    buckets: BUCKETS,
    ...(labelled && { label: { name: "phase", values: PHASES } }),
    registers: [registry],
  });
}

describe("FixedHistogram", () => {
  it("exports what prom-client's Histogram exports for the same observations, by label", async () => {
    const registry = new Registry();
    const theirs = new Histogram({
      name: "theirs",
      help: "h",
      labelNames: ["phase"],
      buckets: BUCKETS,
      registers: [registry],
    });
    const histogram = ours(registry, true);
    for (const phase of PHASES) theirs.zero({ phase });
    for (const [i, value] of VALUES.entries()) {
      const phase = PHASES[i % 2] ?? "dns";
      theirs.observe({ phase }, value);
      histogram.series(phase).observe(value);
    }
    expect(await exposition(registry, "ours")).toBe(await exposition(registry, "theirs"));
    // The never-observed series is there at zero, as a zeroed prom-client series is.
    expect(await exposition(registry, "ours")).toContain('NAME_count{phase="total"} 0');
    // The System page's reader sees the same samples.
    const published = await readRegistryOf(registry, ["ours", "theirs"]);
    expect(published.ours).toEqual(published.theirs);
    expect(published.ours?.length).toBe(PHASES.length * (BUCKETS.length + 3));
  });

  it("exports what prom-client's Histogram exports without labels", async () => {
    const registry = new Registry();
    const theirs = new Histogram({
      name: "theirs",
      help: "h",
      buckets: BUCKETS,
      registers: [registry],
    });
    const histogram = ours(registry, false);
    for (const value of VALUES) {
      theirs.observe(value);
      histogram.series().observe(value);
    }
    expect(await exposition(registry, "ours")).toBe(await exposition(registry, "theirs"));
    expect(await exposition(registry, "ours")).toContain(`NAME_count ${VALUES.length}`);
  });

  it("drops a value that is not finite instead of throwing inside a check", async () => {
    const registry = new Registry();
    const histogram = ours(registry, false);
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.5]) {
      histogram.series().observe(value);
    }
    const text = await registry.getSingleMetricAsString("ours");
    expect(text).toContain("ours_count 1");
    expect(text).toContain("ours_sum 0.5");
  });

  it("refuses a label value it was not given, and a series without one when it has a label", () => {
    const labelled = ours(new Registry(), true);
    expect(() => labelled.series("tls")).toThrow(/ours has no series tls/);
    expect(() => labelled.series()).toThrow(/no series without a label/);
    const plain = new FixedHistogram({ name: "plain", help: "h", buckets: BUCKETS, registers: [] });
    expect(() => plain.series("dns")).toThrow(/plain has no series dns/);
  });

  it("refuses buckets that do not ascend", () => {
    expect(
      () => new FixedHistogram({ name: "x", help: "h", buckets: [1, 0.5], registers: [] }),
    ).toThrow(/buckets must ascend/);
  });

  it("zeroes every series on the registry's reset", async () => {
    const registry = new Registry();
    ours(registry, true).series("dns").observe(0.5);
    registry.resetMetrics();
    const text = await registry.getSingleMetricAsString("ours");
    expect(text).toContain('ours_count{phase="dns"} 0');
    expect(text).toContain('ours_sum{phase="dns"} 0');
  });
});

/**
 * readRegistryOf reads each named metric as the System page's publisher reads its published
 * lateness histogram: the metric stands in for that one series.
 */
async function readRegistryOf(registry: Registry, names: string[]) {
  const out: Record<string, [Record<string, string>, number][]> = {};
  for (const name of names) {
    const read = await readRegistry(
      {
        getSingleMetric: (wanted: string) =>
          wanted === "pulsar_check_scheduling_lateness_seconds"
            ? registry.getSingleMetric(name)
            : undefined,
      },
      { kind: "worker", id: "test:1", at: 0 },
    );
    out[name] = Object.entries(read.samples).flatMap(([sample, list]) =>
      list.map(
        ([labels, value]) =>
          [{ sample: sample.replace(name, "NAME"), ...labels }, value] as [
            Record<string, string>,
            number,
          ],
      ),
    );
  }
  return out;
}
