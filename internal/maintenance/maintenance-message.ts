import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type Maintenance,
  MaintenanceSchema,
  type MaintenanceSpec,
  MaintenanceSpecSchema,
} from "../../gen/pulsar/v1/maintenance_pb.js";
import { scheduleOfRow } from "./maintenance-rows.js";
import type { MaintenanceRow } from "./maintenances.js";
import { activeAt, occurrences, type Recurrence } from "./schedule.js";

/** UPCOMING_LIMIT and UPCOMING_DAYS bound Maintenance.upcoming (the proto's contract). */
export const UPCOMING_LIMIT = 5;
export const UPCOMING_DAYS = 90;
const DAY_MS = 86_400_000;
// How far ahead "has it another occurrence?" looks for an unending recurrence: a cron
// expression may fire once a year (29 February: once in four).
const PAST_LOOKAHEAD_MS = 5 * 366 * DAY_MS;

/** MaintenanceView is a Maintenance message and what ListMaintenances sorts it by. */
export interface MaintenanceView {
  message: Maintenance;
  /** No occurrence now or later. */
  past: boolean;
  /** The start of the current or next occurrence (ms), or +∞. */
  nextStartMs: number;
}

function specOf(row: MaintenanceRow, recurrence: Recurrence): MaintenanceSpec {
  const spec = create(MaintenanceSpecSchema, {
    title: row.title,
    description: row.description,
    monitorIds: row.monitor_ids,
    statusPageIds: row.status_page_ids,
    startsAt: timestampFromDate(row.starts_at),
    endsAt: row.ends_at ? timestampFromDate(row.ends_at) : undefined,
    timezone: row.timezone,
  });
  if (recurrence !== null && "weekly" in recurrence)
    spec.recurrence = {
      case: "weekly",
      value: { ...recurrence.weekly, $typeName: "pulsar.v1.WeeklyRecurrence" },
    };
  else if (recurrence !== null)
    spec.recurrence = {
      case: "cron",
      value: { ...recurrence.cron, $typeName: "pulsar.v1.CronRecurrence" },
    };
  return spec;
}

/** maintenanceView turns a stored row into its message as of now. */
export function maintenanceView(row: MaintenanceRow, now: Date): MaintenanceView {
  const schedule = scheduleOfRow(row);
  const upcoming = occurrences(
    schedule,
    now,
    new Date(now.getTime() + UPCOMING_DAYS * DAY_MS),
    UPCOMING_LIMIT,
  );
  const active = activeAt(schedule, now) !== null;
  const first = upcoming[0];
  const past =
    first === undefined &&
    occurrences(schedule, now, new Date(now.getTime() + PAST_LOOKAHEAD_MS), 1).length === 0;
  return {
    past,
    nextStartMs: first ? first.startsAt.getTime() : Number.POSITIVE_INFINITY,
    message: create(MaintenanceSchema, {
      id: row.id,
      spec: specOf(row, schedule.recurrence),
      createdAt: timestampFromDate(row.created_at),
      active,
      upcoming: upcoming.map((w) => ({
        startsAt: timestampFromDate(w.startsAt),
        endsAt: timestampFromDate(w.endsAt),
      })),
      coveredMonitorIds: row.covered_monitor_ids,
    }),
  };
}

/** compareViews orders ListMaintenances: active ones, then by next start, then past ones. */
export function compareViews(a: MaintenanceView, b: MaintenanceView): number {
  if (a.message.active !== b.message.active) return a.message.active ? -1 : 1;
  if (a.past !== b.past) return a.past ? 1 : -1;
  if (a.nextStartMs !== b.nextStartMs) return a.nextStartMs < b.nextStartMs ? -1 : 1;
  return a.message.id < b.message.id ? -1 : 1;
}
