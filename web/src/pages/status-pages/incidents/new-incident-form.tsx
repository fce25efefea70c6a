import { useState } from "react";
import {
  StatusIncidentImpact,
  StatusIncidentStatus,
} from "../../../../../gen/pulsar/v1/status_page_pb";
import { Button, FieldFrame, FormError } from "../../../components/form";
import { SelectField } from "../../../components/select-field";
import { useFormSubmit } from "../../../components/use-form-submit";
import type { MonitorChoice } from "../monitor-choices";
import { INCIDENT_FIELDS, IncidentFields, type IncidentFieldValues } from "./incident-fields";
import { errorAt, STATUSES } from "./incident-words";
import type { NewIncident } from "./use-incidents";

/**
 * NewIncidentForm posts an incident on the page: title, impact, affected monitors, and its
 * first update (status and message).
 */
export function NewIncidentForm({
  monitors,
  onCreate,
  onCancel,
}: {
  monitors: readonly MonitorChoice[];
  onCreate: (incident: NewIncident) => Promise<void>;
  onCancel: () => void;
}) {
  const [fields, setFields] = useState<IncidentFieldValues>({
    title: "",
    impact: StatusIncidentImpact.DEGRADED,
    monitorIds: [],
  });
  const [status, setStatus] = useState(StatusIncidentStatus.INVESTIGATING);
  const [message, setMessage] = useState("");
  const submit = useFormSubmit(() =>
    onCreate({ ...fields, title: fields.title.trim(), status, message: message.trim() }),
  );
  return (
    <form
      onSubmit={submit.onSubmit}
      noValidate
      aria-label="New incident"
      className="space-y-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h3 className="font-medium">New incident</h3>
      <IncidentFields
        values={fields}
        onChange={setFields}
        monitors={monitors}
        problem={submit.problem}
      />
      <SelectField
        label="Status"
        options={STATUSES}
        value={String(status)}
        onChange={(e) => setStatus(Number(e.target.value) as StatusIncidentStatus)}
        error={errorAt(submit.problem, "status")}
        className="max-w-xs"
      />
      <FieldFrame
        label="Message"
        hint="What the readers should know, in plain text."
        error={errorAt(submit.problem, "message")}
      >
        {(control) => (
          <textarea
            {...control}
            rows={3}
            maxLength={5000}
            required
            value={message}
            onChange={(e) => setMessage(e.target.value)}
          />
        )}
      </FieldFrame>
      <FormError>
        {submit.problem &&
        !INCIDENT_FIELDS.concat("status", "message").some((f) => errorAt(submit.problem, f))
          ? submit.problem.message
          : undefined}
      </FormError>
      <div className="flex gap-2">
        <Button type="submit" disabled={submit.busy} aria-busy={submit.busy || undefined}>
          {submit.busy ? "Posting…" : "Post incident"}
        </Button>
        <Button kind="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
