/** ProbeStatsWindow is what the probe says of its last minute with each TakeChecks. */
export interface ProbeStatsWindow {
  /** observe records a check that completed, started latenessMs after its slot. */
  observe(latenessMs: number): void;
  /** snapshot is the last minute: checks completed per second and the lateness p99. */
  snapshot(): { checksPerSecond: number; latenessP99Ms: number };
}

const SECONDS = 60;
/** Lateness samples kept per second; past it a second's samples are thinned (reservoir). */
const SAMPLES_PER_SECOND = 500;

/**
 * createProbeStats keeps the last minute in 60 one-second buckets: a count and at most 500
 * lateness samples each, so memory stays bounded whatever the rate (30,000 numbers at most),
 * and the p99 is sorted from the samples when asked (once per TakeChecks).
 */
export function createProbeStats(
  now: () => number = Date.now,
  random: () => number = Math.random,
): ProbeStatsWindow {
  const buckets = Array.from({ length: SECONDS }, () => ({
    second: -1,
    count: 0,
    lateness: [] as number[],
  }));
  const bucketAt = (second: number) => {
    const bucket = buckets[second % SECONDS] as (typeof buckets)[number];
    if (bucket.second !== second) {
      bucket.second = second;
      bucket.count = 0;
      bucket.lateness = [];
    }
    return bucket;
  };
  let cached: { second: number; snapshot: ReturnType<ProbeStatsWindow["snapshot"]> } | undefined;
  return {
    observe(latenessMs) {
      const bucket = bucketAt(Math.floor(now() / 1000));
      bucket.count++;
      if (bucket.lateness.length < SAMPLES_PER_SECOND) bucket.lateness.push(latenessMs);
      else {
        const slot = Math.floor(random() * bucket.count);
        if (slot < SAMPLES_PER_SECOND) bucket.lateness[slot] = latenessMs;
      }
    },
    snapshot() {
      const current = Math.floor(now() / 1000);
      // Once per second at most: TakeChecks comes up to ten times a second under load, and
      // sorting the minute's samples each time was a tenth of the probe's CPU.
      if (cached?.second === current) return cached.snapshot;
      const recent = buckets.filter((b) => b.second > current - SECONDS && b.second <= current);
      const count = recent.reduce((sum, b) => sum + b.count, 0);
      // A typed array sorts numbers natively, without a comparator call per comparison.
      const lateness = Float64Array.from(recent.flatMap((b) => b.lateness)).sort();
      const p99 =
        lateness.length === 0 ? 0 : (lateness[Math.ceil(lateness.length * 0.99) - 1] ?? 0);
      const snapshot = { checksPerSecond: count / SECONDS, latenessP99Ms: p99 };
      cached = { second: current, snapshot };
      return snapshot;
    },
  };
}
