import { CheckboxField } from "../../components/checkbox-field";
import { Field } from "../../components/form";
import type { MaintenanceErrors, MaintenanceFormValues } from "./maintenance-values";

/** DAYS are the week's days as WeeklyRecurrence numbers them (0 = Sunday), Monday first. */
const DAYS = [
  { day: 1, name: "Monday" },
  { day: 2, name: "Tuesday" },
  { day: 3, name: "Wednesday" },
  { day: 4, name: "Thursday" },
  { day: 5, name: "Friday" },
  { day: 6, name: "Saturday" },
  { day: 0, name: "Sunday" },
];

/** RecurrenceFieldsProps are the form's values, the change, and the errors. */
export interface RecurrenceFieldsProps {
  values: MaintenanceFormValues;
  change: <K extends keyof MaintenanceFormValues>(
    field: K,
    value: MaintenanceFormValues[K],
  ) => void;
  errors: MaintenanceErrors;
}

/**
 * RecurrenceFields are the "when" of the chosen kind: a one-off's start and end, the weekly
 * days, time and length, or a cron expression and length. Times are in the form's time zone.
 */
export function RecurrenceFields({ values, change, errors }: RecurrenceFieldsProps) {
  if (values.kind === "once") {
    return (
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Starts"
          type="datetime-local"
          required
          value={values.startsAt}
          onChange={(e) => change("startsAt", e.target.value)}
          error={errors.startsAt}
        />
        <Field
          label="Ends"
          type="datetime-local"
          required
          hint="At most 31 days after the start."
          value={values.endsAt}
          onChange={(e) => change("endsAt", e.target.value)}
          error={errors.endsAt}
        />
      </div>
    );
  }
  if (values.kind === "weekly") {
    return (
      <div className="space-y-4">
        <fieldset aria-describedby={errors.days ? "weekly-days-error" : undefined}>
          <legend className="text-sm font-medium">Days</legend>
          <div className="mt-2 flex flex-wrap gap-x-4 gap-y-2">
            {DAYS.map(({ day, name }) => (
              <CheckboxField
                key={day}
                label={name}
                checked={values.days.includes(day)}
                aria-invalid={errors.days && day === 1 ? true : undefined}
                onChange={(e) =>
                  change(
                    "days",
                    e.target.checked
                      ? [...values.days.filter((d) => d !== day), day]
                      : values.days.filter((d) => d !== day),
                  )
                }
              />
            ))}
          </div>
          {errors.days && (
            <p
              id="weekly-days-error"
              role="alert"
              className="mt-1 text-sm text-red-600 dark:text-red-400"
            >
              {errors.days}
            </p>
          )}
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Start time"
            type="time"
            required
            value={values.startTime}
            onChange={(e) => change("startTime", e.target.value)}
            error={errors.startTime}
          />
          <Field
            label="Duration (minutes)"
            inputMode="numeric"
            required
            value={values.weeklyDuration}
            onChange={(e) => change("weeklyDuration", e.target.value)}
            error={errors.weeklyDuration}
          />
        </div>
      </div>
    );
  }
  return (
    <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem]">
      <Field
        label="Cron expression"
        required
        spellCheck={false}
        autoComplete="off"
        maxLength={100}
        placeholder="0 3 * * 1-5"
        hint="Five fields: minute hour day-of-month month day-of-week."
        className="font-mono"
        value={values.expression}
        onChange={(e) => change("expression", e.target.value)}
        error={errors.expression}
      />
      <Field
        label="Duration (minutes)"
        inputMode="numeric"
        required
        value={values.cronDuration}
        onChange={(e) => change("cronDuration", e.target.value)}
        error={errors.cronDuration}
      />
    </div>
  );
}
