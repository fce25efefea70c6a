import type { Maintenance } from "../../../../gen/pulsar/v1/maintenance_pb";
import { timestampMs } from "../../lib/format";

/** Occurrence is one window of a maintenance, as the calendar lists it. */
export interface Occurrence {
  maintenance: Maintenance;
  startMs: number;
  endMs: number;
}

/** CalendarDay is the windows starting on one day of the reader's calendar. */
export interface CalendarDay {
  /** "2026-12-07", the day in the browser's time zone. */
  key: string;
  /** The day's first window's start, to name the day by. */
  dayMs: number;
  occurrences: Occurrence[];
}

/** Calendar is the maintenance page's list: what is on now, the days ahead, and the rest. */
export interface Calendar {
  /** Windows on now, soonest to end first. */
  inProgress: Occurrence[];
  /** Upcoming windows by the day they start, soonest first. */
  days: CalendarDay[];
  /** Maintenances with no window now or in the next 90 days (ended, or far off). */
  idle: Maintenance[];
}

function dayKey(atMs: number): string {
  const at = new Date(atMs);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}`;
}

/**
 * calendarOf lays the maintenances' upcoming windows out by day (in the reader's time zone),
 * the windows on now on top.
 */
export function calendarOf(maintenances: readonly Maintenance[], nowMs = Date.now()): Calendar {
  const inProgress: Occurrence[] = [];
  const ahead: Occurrence[] = [];
  const idle: Maintenance[] = [];
  for (const maintenance of maintenances) {
    const windows = maintenance.upcoming.map((w, index) => ({
      occurrence: { maintenance, startMs: timestampMs(w.startsAt), endMs: timestampMs(w.endsAt) },
      // The server's word first: when active, its first window is the one on now (the
      // browser's clock may be a little off).
      onNow: maintenance.active && index === 0,
    }));
    const current = windows.filter((w) => w.onNow || w.occurrence.endMs > nowMs);
    if (current.length === 0) idle.push(maintenance);
    for (const { occurrence, onNow } of current) {
      (onNow || occurrence.startMs <= nowMs ? inProgress : ahead).push(occurrence);
    }
  }
  inProgress.sort((a, b) => a.endMs - b.endMs);
  ahead.sort((a, b) => a.startMs - b.startMs);
  const days: CalendarDay[] = [];
  for (const occurrence of ahead) {
    const key = dayKey(occurrence.startMs);
    const last = days.at(-1);
    if (last?.key === key) last.occurrences.push(occurrence);
    else days.push({ key, dayMs: occurrence.startMs, occurrences: [occurrence] });
  }
  return { inProgress, days, idle };
}
