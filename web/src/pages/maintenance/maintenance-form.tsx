import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import type { MaintenanceSpec } from "../../../../gen/pulsar/v1/maintenance_pb";
import type { StatusPage } from "../../../../gen/pulsar/v1/status_page_pb";
import { problemOf } from "../../api/errors";
import { Button, Field, FieldFrame, FormError } from "../../components/form";
import { SelectField } from "../../components/select-field";
import type { MonitorChoice } from "../status-pages/monitor-choices";
import {
  type MaintenanceErrors,
  type MaintenanceFormValues,
  maintenanceFieldOf,
  maintenanceSpecOf,
  type RecurrenceKind,
} from "./maintenance-values";
import { RecurrenceFields } from "./recurrence-fields";
import { TargetFields } from "./target-fields";
import { timeZones } from "./zoned-time";

const KINDS: readonly { value: RecurrenceKind; label: string }[] = [
  { value: "once", label: "Once" },
  { value: "weekly", label: "Weekly" },
  { value: "cron", label: "Cron" },
];

/** MaintenanceFormProps are the form's first values, what it can cover, save and cancel. */
export interface MaintenanceFormProps {
  /** What the form says it does: "New maintenance", "Edit “Deploy”". */
  heading: string;
  initial: MaintenanceFormValues;
  monitors: readonly MonitorChoice[];
  pages: readonly StatusPage[];
  /** Creates or replaces the maintenance; rejects with the server's error. */
  onSave: (spec: MaintenanceSpec) => Promise<void>;
  onCancel: () => void;
}

/**
 * MaintenanceForm writes a maintenance: title, description, the monitors and status pages it
 * covers, when (once, weekly or cron) and in which time zone. The first error, the form's own
 * or the server's, gets the focus.
 */
export function MaintenanceForm({
  heading,
  initial,
  monitors,
  pages,
  onSave,
  onCancel,
}: MaintenanceFormProps) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<MaintenanceErrors>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const zones = useMemo(() => {
    const known = timeZones();
    return known.includes(initial.timezone) ? known : [initial.timezone, ...known];
  }, [initial.timezone]);

  useEffect(() => {
    if (Object.keys(errors).length > 0) {
      form.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
    }
  }, [errors]);

  const change = <K extends keyof MaintenanceFormValues>(
    field: K,
    value: MaintenanceFormValues[K],
  ) => setValues((held) => ({ ...held, [field]: value }));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setFormError(undefined);
    const checked = maintenanceSpecOf(values);
    if ("errors" in checked) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await onSave(checked.spec);
    } catch (error) {
      const problem = problemOf(error);
      const field = maintenanceFieldOf(problem.field);
      if (field) setErrors({ [field]: problem.message });
      else setFormError(problem.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      ref={form}
      onSubmit={submit}
      noValidate
      aria-label={heading}
      className="space-y-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h2 className="text-lg font-semibold">{heading}</h2>
      <Field
        label="Title"
        required
        maxLength={200}
        placeholder="Database upgrade"
        value={values.title}
        onChange={(e) => change("title", e.target.value)}
        error={errors.title}
      />
      <FieldFrame
        label="Description"
        hint="Plain text, shown on the status pages."
        error={errors.description}
      >
        {(control) => (
          <textarea
            {...control}
            rows={2}
            maxLength={2000}
            value={values.description}
            onChange={(e) => change("description", e.target.value)}
          />
        )}
      </FieldFrame>
      <TargetFields
        values={values}
        change={change}
        monitors={monitors}
        pages={pages}
        error={errors.targets}
      />
      <fieldset>
        <legend className="text-sm font-medium">Repeats</legend>
        <div className="mt-2 flex flex-wrap gap-4">
          {KINDS.map((kind) => (
            <label key={kind.value} className="flex items-center gap-2 text-sm">
              <input
                type="radio"
                name="recurrence"
                value={kind.value}
                checked={values.kind === kind.value}
                onChange={() => change("kind", kind.value)}
                className="accent-indigo-600"
              />
              {kind.label}
            </label>
          ))}
        </div>
      </fieldset>
      <RecurrenceFields values={values} change={change} errors={errors} />
      <SelectField
        label="Time zone"
        hint="The times above are in this zone, daylight saving included."
        options={zones}
        value={values.timezone}
        onChange={(e) => change("timezone", e.target.value)}
        error={errors.timezone}
        className="max-w-sm"
      />
      <FormError>{formError}</FormError>
      <div className="flex gap-2">
        <Button type="submit" disabled={busy} aria-busy={busy || undefined}>
          {busy ? "Saving…" : "Save maintenance"}
        </Button>
        <Button kind="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
