import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import type {
  CronRecurrence,
  MaintenanceSpec,
  WeeklyRecurrence,
} from "../../gen/pulsar/v1/maintenance_pb.js";
import { requireCronExpression } from "../core/cron-input.js";
import { InvalidArgumentError } from "../core/errors.js";
import { requireText } from "../core/text-input.js";
import { requireUuid } from "../core/validate.js";
import type { MaintenanceInput } from "./maintenances.js";
import { parseStartTime, type Recurrence } from "./schedule.js";
import { isValidTimeZone } from "./zoned-time.js";

const F = "maintenance";
const MAX_TITLE = 200;
const MAX_DESCRIPTION = 2000;
const MAX_MONITORS = 1000;
const MAX_PAGES = 50;
const MAX_ONE_OFF_MS = 31 * 86_400_000;
const MAX_DURATION_MINUTES = 10_080;
const MAX_CRON_LENGTH = 100;
// Timestamps outside these years are typing mistakes (or probes), not maintenance plans.
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2200, 0, 1);

/**
 * maintenanceInput validates a MaintenanceSpec from a client; every refusal names its field
 * (`maintenance.weekly.days[2]`). Whether the ids name the caller's monitors and pages is the
 * service's next step (it needs the database).
 */
export function maintenanceInput(spec: MaintenanceSpec | undefined): MaintenanceInput {
  if (!spec) throw new InvalidArgumentError(F, "is required");
  // Both are shown to anyone on status pages: counted in characters as Postgres counts them,
  // and without control characters (a NUL would fail the insert as an internal error).
  const title = requireText(`${F}.title`, spec.title, { min: 1, max: MAX_TITLE });
  const description = requireText(`${F}.description`, spec.description, {
    min: 0,
    max: MAX_DESCRIPTION,
    multiline: true,
  });
  const monitorIds = uuids(`${F}.monitorIds`, spec.monitorIds, MAX_MONITORS);
  const statusPageIds = uuids(`${F}.statusPageIds`, spec.statusPageIds, MAX_PAGES);
  if (monitorIds.length === 0 && statusPageIds.length === 0)
    throw new InvalidArgumentError(
      `${F}.monitorIds`,
      "or statusPageIds must name at least one monitor or status page",
    );
  const startsAt = instant(`${F}.startsAt`, spec.startsAt);
  if (startsAt === null) throw new InvalidArgumentError(`${F}.startsAt`, "is required");
  const endsAt = instant(`${F}.endsAt`, spec.endsAt);
  if (endsAt !== null && endsAt.getTime() <= startsAt.getTime())
    throw new InvalidArgumentError(`${F}.endsAt`, "must be after maintenance.startsAt");
  const timezone = spec.timezone === "" ? "UTC" : spec.timezone;
  if (!isValidTimeZone(timezone))
    throw new InvalidArgumentError(
      `${F}.timezone`,
      "must be an IANA time zone such as Europe/Paris",
    );
  let recurrence: Recurrence = null;
  switch (spec.recurrence.case) {
    case "weekly":
      recurrence = { weekly: weekly(spec.recurrence.value) };
      break;
    case "cron":
      recurrence = { cron: cron(spec.recurrence.value, timezone) };
      break;
    default:
      if (endsAt === null)
        throw new InvalidArgumentError(`${F}.endsAt`, "is required for a one-off window");
      if (endsAt.getTime() - startsAt.getTime() > MAX_ONE_OFF_MS)
        throw new InvalidArgumentError(
          `${F}.endsAt`,
          "must be at most 31 days after maintenance.startsAt for a one-off window",
        );
  }
  return {
    title,
    description,
    monitorIds,
    statusPageIds,
    startsAt,
    endsAt,
    recurrence,
    timezone,
  };
}

function uuids(field: string, ids: readonly string[], max: number): string[] {
  if (ids.length > max) throw new InvalidArgumentError(field, `must hold at most ${max} ids`);
  return [...new Set(ids.map((id, i) => requireUuid(`${field}[${i}]`, id)))];
}

function instant(field: string, timestamp: Timestamp | undefined): Date | null {
  if (timestamp === undefined) return null;
  const date = timestampDate(timestamp);
  const ms = date.getTime();
  if (!Number.isFinite(ms) || ms < EARLIEST_MS || ms >= LATEST_MS)
    throw new InvalidArgumentError(field, "must be between the years 2000 and 2199");
  return date;
}

function duration(field: string, minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_DURATION_MINUTES)
    throw new InvalidArgumentError(field, `must be between 1 and ${MAX_DURATION_MINUTES} minutes`);
  return minutes;
}

function weekly(value: WeeklyRecurrence) {
  const field = `${F}.weekly`;
  if (value.days.length < 1 || value.days.length > 7)
    throw new InvalidArgumentError(`${field}.days`, "must hold 1–7 days");
  value.days.forEach((day, i) => {
    if (!Number.isInteger(day) || day < 0 || day > 6)
      throw new InvalidArgumentError(`${field}.days[${i}]`, "must be 0 (Sunday) to 6 (Saturday)");
    if (value.days.indexOf(day) !== i)
      throw new InvalidArgumentError(`${field}.days[${i}]`, "repeats an earlier day");
  });
  if (parseStartTime(value.startTime) === null)
    throw new InvalidArgumentError(`${field}.startTime`, 'must be "HH:MM" (24 h), such as "02:30"');
  return {
    days: [...value.days].sort((a, b) => a - b),
    startTime: value.startTime,
    durationMinutes: duration(`${field}.durationMinutes`, value.durationMinutes),
  };
}

function cron(value: CronRecurrence, timezone: string) {
  const expression = requireCronExpression(
    `${F}.cron.expression`,
    value.expression,
    timezone,
    MAX_CRON_LENGTH,
  );
  return {
    expression,
    durationMinutes: duration(`${F}.cron.durationMinutes`, value.durationMinutes),
  };
}
