import { CronExpressionParser } from "cron-parser";
import type { HeartbeatSpec } from "../../../gen/pulsar/v1/check_pb.js";

// When a heartbeat monitor is late, as pure functions of its spec and a time: nothing here
// reads a clock or a database. Times are epoch milliseconds.

/** DEFAULT_PERIOD_SECONDS is HeartbeatSpec.period_seconds when neither it nor cron is set. */
export const DEFAULT_PERIOD_SECONDS = 3600;
/** DEFAULT_GRACE_SECONDS is HeartbeatSpec.grace_seconds when unset. */
export const DEFAULT_GRACE_SECONDS = 300;

/** graceMsOf is how late a ping may be, and how long a started job may run, in ms. */
export function graceMsOf(spec: HeartbeatSpec): number {
  return (spec.graceSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
}

/** periodSecondsOf is the spec's period (its default when unset); meaningless with cron. */
export function periodSecondsOf(spec: HeartbeatSpec): number {
  return spec.periodSeconds > 0 ? spec.periodSeconds : DEFAULT_PERIOD_SECONDS;
}

/** timezoneOf is the zone cron is read in: UTC unless the spec names one. */
export function timezoneOf(spec: HeartbeatSpec): string {
  return spec.timezone === "" ? "UTC" : spec.timezone;
}

/**
 * heartbeatDueAt is when a monitor whose last ping (or start of watching: creation, resume,
 * edit) was at afterMs is late: with a period, afterMs + period + grace; with cron, the first
 * cron time strictly after afterMs, plus grace (a job pinging a little early answers for the
 * run it is early for). Null when there is no such time: a cron expression that does not parse
 * or never fires again (validation refuses both; this guards rows written otherwise).
 */
export function heartbeatDueAt(spec: HeartbeatSpec, afterMs: number): number | null {
  const graceMs = graceMsOf(spec);
  if (spec.cron === "") return afterMs + periodSecondsOf(spec) * 1000 + graceMs;
  const next = nextCronTime(spec.cron, timezoneOf(spec), afterMs);
  return next === null ? null : next + graceMs;
}

/**
 * heartbeatDueAfterMiss is the deadline after dueAtMs, which passed without a ping: with a
 * period, dueAtMs + period; with cron, the cron time after the missed one, plus grace. (Both
 * are heartbeatDueAt from dueAtMs - grace: the missed run's time, or a start's, when a /start
 * without its end is what was missed.) A deadline that has passed already by nowMs (the
 * sweepers were stopped for a while) is skipped: the next one is counted from nowMs as from a
 * ping, so a backlog of missed deadlines records one missed result, not one per deadline
 * nobody was watching.
 */
export function heartbeatDueAfterMiss(
  spec: HeartbeatSpec,
  dueAtMs: number,
  nowMs: number,
): number | null {
  const graceMs = graceMsOf(spec);
  const next = heartbeatDueAt(spec, dueAtMs - graceMs);
  if (next === null || next > nowMs) return next;
  return heartbeatDueAt(spec, nowMs - graceMs);
}

/** Cron deadlines computed lately, by zone and expression: see nextCronTime. */
interface CronSpan {
  /** The first cron time after any instant in [fromMs, nextMs) is nextMs. */
  fromMs: number;
  nextMs: number;
}

/** CRON_SPANS_MAX bounds the cron spans kept (~100 bytes each). */
const CRON_SPANS_MAX = 1000;
const cronSpans = new Map<string, CronSpan>();

/**
 * nextCronTime is the first time of expression, read in timeZone, strictly after afterMs; null
 * when it does not parse or never fires again. Parsing and stepping cost ~0.3–0.6 ms (the zone
 * arithmetic), so the span each answer holds for is kept: the pings of one job within one run's
 * interval, and every job on the same schedule, cost a map lookup.
 */
export function nextCronTime(expression: string, timeZone: string, afterMs: number): number | null {
  const key = `${timeZone}\n${expression}`;
  const span = cronSpans.get(key);
  if (span !== undefined && afterMs >= span.fromMs && afterMs < span.nextMs) {
    // Map order is the LRU order: re-inserting moves the key to the newest end.
    cronSpans.delete(key);
    cronSpans.set(key, span);
    return span.nextMs;
  }
  let nextMs: number;
  try {
    // cron-parser works in whole seconds: from a fraction of a second, the next time is still
    // strictly after afterMs (a cron time is a whole minute).
    nextMs = CronExpressionParser.parse(expression, {
      tz: timeZone,
      currentDate: new Date(afterMs),
    })
      .next()
      .getTime();
  } catch {
    return null;
  }
  if (nextMs <= afterMs) return null;
  cronSpans.delete(key);
  cronSpans.set(key, { fromMs: afterMs, nextMs });
  if (cronSpans.size > CRON_SPANS_MAX) {
    const oldest = cronSpans.keys().next();
    if (!oldest.done) cronSpans.delete(oldest.value);
  }
  return nextMs;
}
