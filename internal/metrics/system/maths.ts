import type { Labels, PublishedRegistry } from "./published.js";

/**
 * The arithmetic of Prometheus' rate() and histogram_quantile() over two readings of one
 * process, pure so that tests feed it hand-made readings.
 */

/** labelKey is a stable key of a label set (label order does not matter). */
export function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * counterDelta is how much a counter grew between two readings. A counter lower than before
 * means the process restarted (counters start at zero): everything it counts now is new. A
 * series absent before was zero (prom-client creates a labelled series on its first count).
 */
export function counterDelta(newer: number, older: number | undefined): number {
  if (older === undefined || newer < older) return newer;
  return newer - older;
}

/**
 * sampleDeltas is the growth of every sample of `name` between older and newer, grouped by
 * `group` (a label value, say) and summed; samples `group` maps to undefined are left out.
 */
export function sampleDeltas(
  name: string,
  newer: PublishedRegistry,
  older: PublishedRegistry,
  group: (labels: Labels) => string | undefined,
): Map<string, number> {
  const before = new Map<string, number>();
  for (const [labels, value] of older.samples[name] ?? []) before.set(labelKey(labels), value);
  const sums = new Map<string, number>();
  for (const [labels, value] of newer.samples[name] ?? []) {
    const key = group(labels);
    if (key === undefined) continue;
    const delta = counterDelta(value, before.get(labelKey(labels)));
    sums.set(key, (sums.get(key) ?? 0) + delta);
  }
  return sums;
}

/** parseLe reads a bucket's `le` label: "0.25", "+Inf". */
export function parseLe(le: string | undefined): number | undefined {
  if (le === undefined) return undefined;
  if (le === "+Inf") return Number.POSITIVE_INFINITY;
  const value = Number(le);
  return Number.isFinite(value) ? value : undefined;
}

/** BucketCounts maps a histogram bucket's upper bound (Infinity for +Inf) to its count. */
export type BucketCounts = Map<number, number>;

/**
 * bucketDeltas adds to `into` how many observations of histogram `name` fell in each
 * cumulative bucket between older and newer, grouped by `group` (samples it maps to undefined
 * are left out). A series whose +Inf bucket went down was restarted: all of it is new.
 */
export function bucketDeltas(
  name: string,
  newer: PublishedRegistry,
  older: PublishedRegistry,
  group: (labels: Labels) => string | undefined,
  into: Map<string, BucketCounts>,
): void {
  const bucketName = `${name}_bucket`;
  const seriesKey = ({ le: _le, ...rest }: Labels) => labelKey(rest);
  const before = new Map<string, BucketCounts>();
  for (const [labels, value] of older.samples[bucketName] ?? []) {
    const le = parseLe(labels.le);
    if (le === undefined || group(labels) === undefined) continue;
    const key = seriesKey(labels);
    const series = before.get(key) ?? new Map<number, number>();
    series.set(le, value);
    before.set(key, series);
  }
  const after = new Map<string, { group: string; buckets: BucketCounts }>();
  for (const [labels, value] of newer.samples[bucketName] ?? []) {
    const le = parseLe(labels.le);
    const groupKey = group(labels);
    if (le === undefined || groupKey === undefined) continue;
    const key = seriesKey(labels);
    const series = after.get(key) ?? { group: groupKey, buckets: new Map<number, number>() };
    series.buckets.set(le, value);
    after.set(key, series);
  }
  for (const [key, series] of after) {
    const old = before.get(key);
    const restarted = (series.buckets.get(Infinity) ?? 0) < (old?.get(Infinity) ?? 0);
    const sums = into.get(series.group) ?? new Map<number, number>();
    for (const [le, value] of series.buckets) {
      const delta = restarted ? value : Math.max(0, value - (old?.get(le) ?? 0));
      sums.set(le, (sums.get(le) ?? 0) + delta);
    }
    into.set(series.group, sums);
  }
}

/**
 * histogramQuantile is Prometheus' histogram_quantile(q, buckets): the bucket holding the
 * q-th observation, interpolated linearly inside it (the first bucket from 0); in the +Inf
 * bucket, the highest finite bound. 0 without observations.
 */
export function histogramQuantile(q: number, cumulative: ReadonlyMap<number, number>): number {
  const buckets = [...cumulative].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return 0;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      if (inBucket <= 0) return bucket.le;
      return lowerBound + ((bucket.le - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}

/** gaugeValue is the value of an unlabelled gauge in a reading; undefined when absent. */
export function gaugeValue(reading: PublishedRegistry, name: string): number | undefined {
  return reading.samples[name]?.[0]?.[1];
}
