import { useState } from "react";
import type { StatusIncidentStatus } from "../../../../../gen/pulsar/v1/status_page_pb";
import { Button, FieldFrame, FormError } from "../../../components/form";
import { SelectField } from "../../../components/select-field";
import { useFormSubmit } from "../../../components/use-form-submit";
import { errorAt, STATUSES } from "./incident-words";

/**
 * IncidentUpdateForm posts a step of an incident: its status from now on and what to tell the
 * readers. Cleared once posted; the update then shows at the top of the timeline.
 */
export function IncidentUpdateForm({
  incidentTitle,
  current,
  onPost,
}: {
  incidentTitle: string;
  /** The incident's status now: the form starts there. */
  current: StatusIncidentStatus;
  onPost: (status: StatusIncidentStatus, message: string) => Promise<void>;
}) {
  const [status, setStatus] = useState(current);
  const [message, setMessage] = useState("");
  const submit = useFormSubmit(async () => {
    await onPost(status, message.trim());
    setMessage("");
  });
  return (
    <form
      onSubmit={submit.onSubmit}
      noValidate
      aria-label={`Post an update on ${incidentTitle}`}
      className="space-y-3"
    >
      <SelectField
        label="Status"
        options={STATUSES}
        value={String(status)}
        onChange={(e) => setStatus(Number(e.target.value) as StatusIncidentStatus)}
        error={errorAt(submit.problem, "status")}
        className="max-w-xs"
      />
      <FieldFrame label="Message" error={errorAt(submit.problem, "message")}>
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
        {errorAt(submit.problem, "status") || errorAt(submit.problem, "message")
          ? undefined
          : submit.problem?.message}
      </FormError>
      <Button type="submit" disabled={submit.busy} aria-busy={submit.busy || undefined}>
        {submit.busy ? "Posting…" : "Post update"}
      </Button>
    </form>
  );
}
