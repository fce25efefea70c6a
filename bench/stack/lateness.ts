import { scheduleOffsetMs } from "../../internal/checks/queue/check-queue.js";

/** Percentiles are p50, p99 and the maximum of a set of durations, in ms. */
export interface Percentiles {
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/**
 * latenessAtTarget turns the target's arrivals (flat [monitor number, epoch ms, …]) into how
 * late each request arrived after its slot. A monitor's slots on the check schedule are
 * k × interval + scheduleOffsetMs(id) (internal/checks/queue/check-schedule.ts), so the slot an arrival
 * belongs to is the latest one before it. A check more than one interval late would wrap round
 * and look early: the stored results' lateness (which does not wrap) shows whether any were.
 */
export function latenessAtTarget(
  arrivals: readonly number[],
  monitorIds: readonly string[],
  intervalSeconds: number,
): Percentiles & { count: number } {
  const every = intervalSeconds * 1000;
  const offsets = monitorIds.map((id) => scheduleOffsetMs(id, every));
  const lateness: number[] = [];
  for (let i = 0; i + 1 < arrivals.length; i += 2) {
    const offset = offsets[arrivals[i] ?? -1];
    if (offset === undefined) continue;
    const since = ((arrivals[i + 1] ?? 0) - offset) % every;
    lateness.push(since < 0 ? since + every : since);
  }
  return { ...percentiles(lateness), count: lateness.length };
}

/** percentiles of `values` (nearest rank), nulls when there are none. */
export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: null, p99: null, max: null };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50: at(0.5) ?? null, p99: at(0.99) ?? null, max: sorted[sorted.length - 1] ?? null };
}
