import type { HostSample } from "../../../../gen/pulsar/v1/host_pb";
import { timestampMs } from "../../lib/format";

/** LIVE_WINDOW is how many samples the live charts keep (10 minutes at the default 2 s). */
export const LIVE_WINDOW = 300;

/** sampleTime is when a sample was taken, in ms since the epoch. */
export const sampleTime = (sample: HostSample): number => timestampMs(sample.sampledAt);

/**
 * mergeSamples adds samples to a window in time order and keeps the newest `limit`. A sample
 * already held is dropped: after a reconnect the subscription replays the recent past again,
 * and what it adds that was missed while disconnected lands in its place in time.
 */
export function mergeSamples(
  held: readonly HostSample[],
  incoming: readonly HostSample[],
  limit = LIVE_WINDOW,
): HostSample[] {
  const byTime = new Map<number, HostSample>();
  for (const sample of held) byTime.set(sampleTime(sample), sample);
  for (const sample of incoming) {
    const t = sampleTime(sample);
    if (!byTime.has(t)) byTime.set(t, sample);
  }
  return [...byTime.entries()]
    .sort(([a], [b]) => a - b)
    .slice(-limit)
    .map(([, sample]) => sample);
}

/**
 * sampleIntervalMs estimates how often the host sends samples: the median gap between the
 * last few, so one late sample does not move it. Undefined with fewer than two samples.
 */
export function sampleIntervalMs(samples: readonly HostSample[]): number | undefined {
  const recent = samples.slice(-11).map(sampleTime);
  const gaps = recent
    .slice(1)
    .map((t, i) => t - (recent[i] ?? t))
    .filter((gap) => gap > 0)
    .sort((a, b) => a - b);
  return gaps.length === 0 ? undefined : gaps[Math.floor(gaps.length / 2)];
}
