import type { MaintenanceSchedule, Recurrence } from "./schedule.js";

/** ScheduleColumns are the columns of a maintenances row that say when it happens. */
export interface ScheduleColumns {
  starts_at: Date;
  ends_at: Date | null;
  recurrence: unknown;
  timezone: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * recurrenceFromJson reads the recurrence column. Only the service writes it, after
 * validation; a value of another shape (written by hand) reads as null, a one-off window,
 * rather than crashing the worker's index.
 */
export function recurrenceFromJson(json: unknown): Recurrence {
  if (!isRecord(json)) return null;
  const weekly = json.weekly;
  if (isRecord(weekly)) {
    const days = Array.isArray(weekly.days) ? weekly.days.filter(Number.isInteger) : [];
    return {
      weekly: {
        days: days as number[],
        startTime: typeof weekly.startTime === "string" ? weekly.startTime : "",
        durationMinutes: Number(weekly.durationMinutes) || 0,
      },
    };
  }
  const cron = json.cron;
  if (isRecord(cron)) {
    return {
      cron: {
        expression: typeof cron.expression === "string" ? cron.expression : "",
        durationMinutes: Number(cron.durationMinutes) || 0,
      },
    };
  }
  return null;
}

/** scheduleOfRow is the schedule a maintenances row describes. */
export function scheduleOfRow(row: ScheduleColumns): MaintenanceSchedule {
  return {
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    recurrence: recurrenceFromJson(row.recurrence),
    timezone: row.timezone,
  };
}
