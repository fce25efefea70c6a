import type { StatusIncidentImpact } from "../../../../../gen/pulsar/v1/status_page_pb";
import type { ApiProblem } from "../../../api/errors";
import { Field } from "../../../components/form";
import { SelectField } from "../../../components/select-field";
import type { MonitorChoice } from "../monitor-choices";
import { MonitorSearch } from "../monitor-search";
import { errorAt, IMPACTS } from "./incident-words";

/** IncidentFieldValues are the fields an incident's creation and edit share. */
export interface IncidentFieldValues {
  title: string;
  impact: StatusIncidentImpact;
  monitorIds: string[];
}

/** INCIDENT_FIELDS are the request fields these controls show errors for. */
export const INCIDENT_FIELDS = ["title", "impact", "monitorIds"];

/** IncidentFields are an incident's title, impact and affected monitors (those of the page). */
export function IncidentFields({
  values,
  onChange,
  monitors,
  problem,
}: {
  values: IncidentFieldValues;
  onChange: (values: IncidentFieldValues) => void;
  monitors: readonly MonitorChoice[];
  problem: ApiProblem | undefined;
}) {
  return (
    <>
      <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_14rem]">
        <Field
          label="Title"
          required
          maxLength={200}
          value={values.title}
          onChange={(e) => onChange({ ...values, title: e.target.value })}
          error={errorAt(problem, "title")}
        />
        <SelectField
          label="Impact"
          options={IMPACTS}
          value={String(values.impact)}
          onChange={(e) =>
            onChange({ ...values, impact: Number(e.target.value) as StatusIncidentImpact })
          }
          error={errorAt(problem, "impact")}
        />
      </div>
      <MonitorSearch
        legend="Affected monitors"
        hint="Monitors of this page; none chosen: the whole page."
        choices={monitors}
        selected={values.monitorIds}
        onToggle={(id, on) =>
          onChange({
            ...values,
            monitorIds: on
              ? [...values.monitorIds.filter((m) => m !== id), id]
              : values.monitorIds.filter((m) => m !== id),
          })
        }
        error={errorAt(problem, "monitorIds")}
      />
    </>
  );
}
