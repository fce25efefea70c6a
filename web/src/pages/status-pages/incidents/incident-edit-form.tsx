import { useState } from "react";
import type { StatusIncident } from "../../../../../gen/pulsar/v1/status_page_pb";
import { Button, FormError } from "../../../components/form";
import { useFormSubmit } from "../../../components/use-form-submit";
import type { MonitorChoice } from "../monitor-choices";
import { INCIDENT_FIELDS, IncidentFields, type IncidentFieldValues } from "./incident-fields";
import { errorAt } from "./incident-words";

/** IncidentEditForm changes an incident's title, impact and affected monitors. */
export function IncidentEditForm({
  incident,
  monitors,
  onSave,
  onCancel,
}: {
  incident: StatusIncident;
  monitors: readonly MonitorChoice[];
  onSave: (values: IncidentFieldValues) => Promise<void>;
  onCancel: () => void;
}) {
  const [fields, setFields] = useState<IncidentFieldValues>({
    title: incident.title,
    impact: incident.impact,
    monitorIds: [...incident.monitorIds],
  });
  const submit = useFormSubmit(() => onSave({ ...fields, title: fields.title.trim() }));
  return (
    <form
      onSubmit={submit.onSubmit}
      noValidate
      aria-label={`Edit ${incident.title}`}
      className="space-y-4"
    >
      <IncidentFields
        values={fields}
        onChange={setFields}
        monitors={monitors}
        problem={submit.problem}
      />
      <FormError>
        {submit.problem && !INCIDENT_FIELDS.some((f) => errorAt(submit.problem, f))
          ? submit.problem.message
          : undefined}
      </FormError>
      <div className="flex gap-2">
        <Button type="submit" disabled={submit.busy} aria-busy={submit.busy || undefined}>
          {submit.busy ? "Saving…" : "Save incident"}
        </Button>
        <Button kind="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
