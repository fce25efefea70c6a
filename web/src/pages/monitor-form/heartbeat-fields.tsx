import { useMemo } from "react";
import { Field } from "../../components/form";
import { RadioGroup } from "../../components/radio-group";
import { SelectField } from "../../components/select-field";
import { timeZones } from "../maintenance/zoned-time";
import type { FieldsProps } from "./fields-props";
import type { HeartbeatSchedule } from "./form-values";

const SCHEDULES: readonly { value: HeartbeatSchedule; label: string }[] = [
  { value: "period", label: "At least every…" },
  { value: "cron", label: "On a cron schedule" },
];

/**
 * HeartbeatFields are a heartbeat monitor's: when pings are due (a period, or a cron expression
 * in a time zone) and how late one may be. A heartbeat is not checked, so it has no interval
 * nor timeout; its ping URL is shown once it is saved.
 */
export function HeartbeatFields({ values, errors, onChange }: FieldsProps) {
  const zone = values.heartbeatTimezone;
  const zones = useMemo(() => {
    const known = timeZones();
    return known.includes(zone) ? known : [zone, ...known];
  }, [zone]);
  return (
    <>
      <RadioGroup
        legend="Pings are due"
        className="sm:col-span-2"
        options={SCHEDULES}
        value={values.heartbeatSchedule}
        onChange={(value) => onChange("heartbeatSchedule", value)}
      />
      {values.heartbeatSchedule === "period" ? (
        <Field
          label="Period"
          required
          hint="The job pings at least this often: 10 s to 31 d, e.g. 5 min, 1 h, 1 d."
          value={values.heartbeatPeriod}
          onChange={(e) => onChange("heartbeatPeriod", e.target.value)}
          error={errors.heartbeatPeriod}
        />
      ) : (
        <>
          <Field
            label="Cron expression"
            className="font-mono"
            required
            maxLength={200}
            spellCheck={false}
            autoComplete="off"
            placeholder="0 3 * * *"
            hint="When the job runs. Five fields: minute hour day-of-month month day-of-week."
            value={values.heartbeatCron}
            onChange={(e) => onChange("heartbeatCron", e.target.value)}
            error={errors.heartbeatCron}
          />
          <SelectField
            label="Time zone"
            options={zones}
            hint="The cron expression's times are in this zone."
            value={zone}
            onChange={(e) => onChange("heartbeatTimezone", e.target.value)}
            error={errors.heartbeatTimezone}
          />
        </>
      )}
      <Field
        label="Grace time"
        hint="How late a ping may be before the monitor is down, and how long a started job may run: up to 31 d, e.g. 5 min."
        value={values.heartbeatGrace}
        onChange={(e) => onChange("heartbeatGrace", e.target.value)}
        error={errors.heartbeatGrace}
      />
    </>
  );
}
