import { type CronExpression, CronExpressionParser } from "cron-parser";
import { addDays, type LocalDate, localDateOf, weekdayOf, zonedInstant } from "./zoned-time.js";

// A maintenance's schedule as pure functions: when its windows are, given the stored row's
// starts_at / ends_at / recurrence / timezone. Nothing here reads a clock or a database.

/** WeeklyRecurrence repeats a window on some days of the week at a local time. */
export interface WeeklyRecurrence {
  /** 0 = Sunday … 6 = Saturday, in the schedule's time zone. */
  days: number[];
  /** "HH:MM", local. */
  startTime: string;
  durationMinutes: number;
}

/** CronRecurrence repeats a window at the times of a five-field cron expression. */
export interface CronRecurrence {
  expression: string;
  durationMinutes: number;
}

/** Recurrence is the maintenances.recurrence column: NULL (one-off), weekly or cron. */
export type Recurrence = { weekly: WeeklyRecurrence } | { cron: CronRecurrence } | null;

/**
 * MaintenanceSchedule is when a maintenance happens. One-off (recurrence null): the window is
 * startsAt–endsAt. Recurring: occurrences start within startsAt–endsAt (endsAt null: no end)
 * and are cut at endsAt, so no part of a window falls outside the span.
 */
export interface MaintenanceSchedule {
  startsAt: Date;
  endsAt: Date | null;
  recurrence: Recurrence;
  /** An IANA zone; the local times of the recurrence are read in it. */
  timezone: string;
}

/** MaintenanceWindow is one occurrence: startsAt inclusive, endsAt exclusive. */
export interface MaintenanceWindow {
  startsAt: Date;
  endsAt: Date;
}

const MINUTE_MS = 60_000;

/**
 * occurrences lists, by start, up to limit windows of schedule that overlap from–to: an
 * occurrence that started before from but still runs at from counts. Windows of a recurrence
 * may overlap one another (a cron every minute with a 60-minute window); each is listed, and
 * when more than limit of them run at from, the latest-starting ones are kept.
 */
export function occurrences(
  schedule: MaintenanceSchedule,
  from: Date,
  to: Date,
  limit: number,
): MaintenanceWindow[] {
  if (limit <= 0 || to.getTime() <= from.getTime()) return [];
  const span = spanOf(schedule);
  const lo = Math.max(from.getTime(), span.start);
  const hi = Math.min(to.getTime(), span.end);
  if (hi <= lo) return [];
  const recurrence = schedule.recurrence;
  if (recurrence === null) {
    // The one-off window itself, when it overlaps from–to.
    return [{ startsAt: new Date(span.start), endsAt: new Date(span.end) }];
  }
  const starts =
    "weekly" in recurrence
      ? weeklyStarts(recurrence.weekly, schedule.timezone, lo, hi, limit)
      : cronStarts(recurrence.cron, schedule.timezone, lo, hi, limit);
  const durationMs = durationOf(recurrence) * MINUTE_MS;
  const windows: MaintenanceWindow[] = [];
  for (const start of starts) {
    if (start < span.start || start >= span.end || start >= hi) continue;
    const end = Math.min(start + durationMs, span.end);
    if (end <= lo) continue;
    windows.push({ startsAt: new Date(start), endsAt: new Date(end) });
    if (windows.length >= limit) break;
  }
  return windows;
}

/**
 * activeAt is the window of schedule running at instant at, or null; when windows overlap, the
 * one that started last (they all last as long, so it ends last).
 */
export function activeAt(schedule: MaintenanceSchedule, at: Date): MaintenanceWindow | null {
  // A weekly window lasts at most a week and each day starts one, so at most 8 overlap; cron
  // windows are found backwards from at, the first being the latest start.
  const limit = schedule.recurrence !== null && "cron" in schedule.recurrence ? 1 : 8;
  const windows = occurrences(schedule, at, new Date(at.getTime() + 1), limit);
  return windows[windows.length - 1] ?? null;
}

/** durationOf is a recurrence's window length in minutes. */
export function durationOf(recurrence: NonNullable<Recurrence>): number {
  return "weekly" in recurrence
    ? recurrence.weekly.durationMinutes
    : recurrence.cron.durationMinutes;
}

function spanOf(schedule: MaintenanceSchedule): { start: number; end: number } {
  return {
    start: schedule.startsAt.getTime(),
    end: schedule.endsAt === null ? Number.POSITIVE_INFINITY : schedule.endsAt.getTime(),
  };
}

/** parseStartTime reads "HH:MM" (24 h), or null when it is not one. */
export function parseStartTime(text: string): { hour: number; minute: number } | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (match === null) return null;
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

// Starts of weekly windows that may overlap lo–hi, ascending: from the local day of the
// earliest start that could still run at lo (a day early, for zone offsets) up to hi.
function weeklyStarts(
  weekly: WeeklyRecurrence,
  timeZone: string,
  lo: number,
  hi: number,
  limit: number,
): number[] {
  const time = parseStartTime(weekly.startTime);
  if (time === null || weekly.days.length === 0) return [];
  const days = new Set(weekly.days);
  const earliest = lo - weekly.durationMinutes * MINUTE_MS;
  let date: LocalDate = addDays(localDateOf(earliest, timeZone), -1);
  const starts: number[] = [];
  // Bounded by hi, and by limit: a non-empty day set matches at least once a week, so once
  // past lo every seven days yield a start (the extra 9 cover the lead-in before lo).
  const maxDays = 7 * (limit + 9);
  for (let i = 0; i < maxDays; i++, date = addDays(date, 1)) {
    if (!days.has(weekdayOf(date))) continue;
    const start = zonedInstant(date, time.hour, time.minute, timeZone);
    if (start >= hi) break;
    if (start + weekly.durationMinutes * MINUTE_MS <= lo) continue;
    starts.push(start);
    if (starts.length >= limit) break;
  }
  return starts;
}

// Starts of cron windows that may overlap lo–hi, ascending. Windows all last as long, so the
// last start at or before lo is the only earlier one that can still run at lo; found with
// prev() rather than stepping forward through a week of minutes.
function cronStarts(
  cron: CronRecurrence,
  timeZone: string,
  lo: number,
  hi: number,
  limit: number,
): number[] {
  const starts: number[] = [];
  const durationMs = cron.durationMinutes * MINUTE_MS;
  let expression: CronExpression;
  try {
    // currentDate lo + 1 ms: prev() is strictly before it, so a start exactly at lo is found.
    expression = CronExpressionParser.parse(cron.expression, {
      tz: timeZone,
      currentDate: new Date(lo + 1),
    });
  } catch {
    // Validation refuses expressions that do not parse; this guards rows written otherwise.
    return starts;
  }
  // prev() and next() throw when there is no such date (an expression that never fires, 30
  // February): no start. (hasPrev/hasNext would compute each date twice.)
  const step = (move: () => { getTime(): number }): number | null => {
    try {
      return move().getTime();
    } catch {
      return null;
    }
  };
  const previous = step(() => expression.prev());
  if (previous !== null && previous + durationMs > lo) {
    // Earlier starts that still overlap lo (overlapping windows), oldest first.
    const earlier = [previous];
    while (earlier.length < limit) {
      const start = step(() => expression.prev());
      if (start === null || start + durationMs <= lo) break;
      earlier.push(start);
    }
    starts.push(...earlier.reverse());
  }
  expression.reset(new Date(lo + 1));
  while (starts.length < limit) {
    const start = step(() => expression.next());
    if (start === null || start >= hi) break;
    starts.push(start);
  }
  return starts;
}
