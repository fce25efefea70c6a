import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type Maintenance,
  type MaintenanceSpec,
  MaintenanceSpecSchema,
} from "../../../../gen/pulsar/v1/maintenance_pb";
import { timestampMs } from "../../lib/format";
import { browserTimeZone, msToZoned, zonedToMs } from "./zoned-time";

/** RecurrenceKind is how a window repeats: never, on days of the week, or by cron. */
export type RecurrenceKind = "once" | "weekly" | "cron";

/** MaintenanceFormValues are the maintenance form's fields as typed. */
export interface MaintenanceFormValues {
  title: string;
  description: string;
  monitorIds: string[];
  statusPageIds: string[];
  timezone: string;
  kind: RecurrenceKind;
  /** One-off: the window, as `datetime-local` values in the time zone. */
  startsAt: string;
  endsAt: string;
  /** Weekly: days (0 = Sunday), "HH:MM", minutes. */
  days: number[];
  startTime: string;
  weeklyDuration: string;
  /** Cron: the expression and minutes. */
  expression: string;
  cronDuration: string;
  /** Recurring: the span the occurrences fall in, kept as it was when editing. */
  spanStartMs: number | undefined;
  spanEndMs: number | undefined;
}

/** MaintenanceFormField is a part of the form that can have an error beside it. */
export type MaintenanceFormField =
  | "title"
  | "description"
  | "targets"
  | "timezone"
  | "startsAt"
  | "endsAt"
  | "days"
  | "startTime"
  | "weeklyDuration"
  | "expression"
  | "cronDuration";

/** MaintenanceErrors are the errors shown beside the form's fields. */
export type MaintenanceErrors = Partial<Record<MaintenanceFormField, string>>;

const HOUR_MS = 3_600_000;

/** newMaintenanceValues is the empty form: a one-off hour from the next full hour, here. */
export function newMaintenanceValues(nowMs = Date.now()): MaintenanceFormValues {
  const timezone = browserTimeZone();
  const start = Math.ceil(nowMs / HOUR_MS) * HOUR_MS;
  return {
    title: "",
    description: "",
    monitorIds: [],
    statusPageIds: [],
    timezone,
    kind: "once",
    startsAt: msToZoned(start, timezone),
    endsAt: msToZoned(start + HOUR_MS, timezone),
    days: [],
    startTime: "02:00",
    weeklyDuration: "60",
    expression: "",
    cronDuration: "60",
    spanStartMs: undefined,
    spanEndMs: undefined,
  };
}

/** maintenanceValuesOf is a stored maintenance as the form edits it. */
export function maintenanceValuesOf(maintenance: Maintenance): MaintenanceFormValues {
  const spec = maintenance.spec ?? create(MaintenanceSpecSchema);
  const timezone = spec.timezone || "UTC";
  const values: MaintenanceFormValues = {
    ...newMaintenanceValues(),
    title: spec.title,
    description: spec.description,
    monitorIds: [...spec.monitorIds],
    statusPageIds: [...spec.statusPageIds],
    timezone,
    startsAt: spec.startsAt ? msToZoned(timestampMs(spec.startsAt), timezone) : "",
    endsAt: spec.endsAt ? msToZoned(timestampMs(spec.endsAt), timezone) : "",
  };
  // A recurring one keeps its span; a one-off's window is not a span for a recurrence made of it.
  const span = {
    spanStartMs: spec.startsAt ? timestampMs(spec.startsAt) : undefined,
    spanEndMs: spec.endsAt ? timestampMs(spec.endsAt) : undefined,
  };
  const recurrence = spec.recurrence;
  if (recurrence.case === "weekly") {
    return {
      ...values,
      ...span,
      kind: "weekly",
      days: [...recurrence.value.days],
      startTime: recurrence.value.startTime,
      weeklyDuration: String(recurrence.value.durationMinutes),
    };
  }
  if (recurrence.case === "cron") {
    return {
      ...values,
      ...span,
      kind: "cron",
      expression: recurrence.value.expression,
      cronDuration: String(recurrence.value.durationMinutes),
    };
  }
  return values;
}

/** minutesOf reads a duration in whole minutes, 1–10080 (a week), or undefined. */
function minutesOf(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed)) return undefined;
  const minutes = Number(trimmed);
  return minutes >= 1 && minutes <= 10_080 ? minutes : undefined;
}

const DURATION_ERROR = "Enter whole minutes, 1 to 10080 (a week)";

/**
 * maintenanceSpecOf turns the form into the MaintenanceSpec to send, or the errors the form can
 * tell by itself; the server checks the rest (a cron expression, the limits) in its own words.
 * Times typed in the form are read in the maintenance's time zone, not the browser's.
 */
export function maintenanceSpecOf(
  values: MaintenanceFormValues,
  nowMs = Date.now(),
): { spec: MaintenanceSpec } | { errors: MaintenanceErrors } {
  const errors: MaintenanceErrors = {};
  if (values.title.trim() === "") errors.title = "Enter a title";
  if (values.monitorIds.length + values.statusPageIds.length === 0) {
    errors.targets = "Choose at least one monitor or status page";
  }
  const base = {
    title: values.title.trim(),
    description: values.description.trim(),
    monitorIds: values.monitorIds,
    statusPageIds: values.statusPageIds,
    timezone: values.timezone,
  };
  const span = {
    startsAt: timestampFromMs(values.spanStartMs ?? nowMs),
    endsAt: values.spanEndMs === undefined ? undefined : timestampFromMs(values.spanEndMs),
  };
  let spec: MaintenanceSpec | undefined;
  if (values.kind === "once") {
    const start = zonedToMs(values.startsAt, values.timezone);
    const end = zonedToMs(values.endsAt, values.timezone);
    if (start === undefined) errors.startsAt = "Enter the start";
    if (end === undefined) errors.endsAt = "Enter the end";
    else if (start !== undefined && end <= start) errors.endsAt = "End after the start";
    if (start !== undefined && end !== undefined) {
      spec = create(MaintenanceSpecSchema, {
        ...base,
        startsAt: timestampFromMs(start),
        endsAt: timestampFromMs(end),
      });
    }
  } else if (values.kind === "weekly") {
    const duration = minutesOf(values.weeklyDuration);
    if (values.days.length === 0) errors.days = "Choose at least one day";
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(values.startTime))
      errors.startTime = "Enter a time, HH:MM";
    if (duration === undefined) errors.weeklyDuration = DURATION_ERROR;
    spec = create(MaintenanceSpecSchema, {
      ...base,
      ...span,
      recurrence: {
        case: "weekly",
        value: {
          days: [...values.days].sort((a, b) => a - b),
          startTime: values.startTime,
          durationMinutes: duration ?? 0,
        },
      },
    });
  } else {
    const duration = minutesOf(values.cronDuration);
    if (values.expression.trim() === "") errors.expression = "Enter a cron expression";
    if (duration === undefined) errors.cronDuration = DURATION_ERROR;
    spec = create(MaintenanceSpecSchema, {
      ...base,
      ...span,
      recurrence: {
        case: "cron",
        value: { expression: values.expression.trim(), durationMinutes: duration ?? 0 },
      },
    });
  }
  if (Object.keys(errors).length > 0 || !spec) return { errors };
  return { spec };
}

const FIELDS: readonly (readonly [RegExp, MaintenanceFormField])[] = [
  [/^maintenance\.title\b/, "title"],
  [/^maintenance\.description\b/, "description"],
  [/^maintenance\.(monitor_?ids|status_?page_?ids)\b/i, "targets"],
  [/^maintenance\.timezone\b/, "timezone"],
  [/^maintenance\.weekly\.days\b/, "days"],
  [/^maintenance\.weekly\.start_?time\b/i, "startTime"],
  [/^maintenance\.weekly\.duration_?minutes\b/i, "weeklyDuration"],
  [/^maintenance\.cron\.expression\b/, "expression"],
  [/^maintenance\.cron\.duration_?minutes\b/i, "cronDuration"],
  [/^maintenance\.starts_?at\b/i, "startsAt"],
  [/^maintenance\.ends_?at\b/i, "endsAt"],
];

/**
 * maintenanceFieldOf maps the request field a server error names ("maintenance.weekly.days[1]",
 * "maintenance.endsAt") to the form field it is about; undefined for one the form does not
 * show, whose message then goes below the form.
 */
export function maintenanceFieldOf(path: string | undefined): MaintenanceFormField | undefined {
  if (!path) return undefined;
  return FIELDS.find(([pattern]) => pattern.test(path))?.[1];
}
