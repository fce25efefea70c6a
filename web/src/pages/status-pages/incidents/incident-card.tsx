import { useId, useState } from "react";
import type { StatusIncident } from "../../../../../gen/pulsar/v1/status_page_pb";
import { Button } from "../../../components/form";
import { timestampMs } from "../../../lib/format";
import type { MonitorChoice } from "../monitor-choices";
import { IncidentEditForm } from "./incident-edit-form";
import { IncidentTimeline } from "./incident-timeline";
import { IncidentUpdateForm } from "./incident-update-form";
import { impactLabel, statusBadgeClass, statusLabel } from "./incident-words";
import type { IncidentsData } from "./use-incidents";

/**
 * IncidentCard is one incident: title, status, impact, the monitors it affects and its
 * timeline, with Post update, Edit and Delete. Closing a form puts focus back on its button.
 */
export function IncidentCard({
  incident,
  monitors,
  incidents,
  onDelete,
}: {
  incident: StatusIncident;
  /** The page's monitors. */
  monitors: readonly MonitorChoice[];
  incidents: IncidentsData;
  onDelete: (incident: StatusIncident) => void;
}) {
  const [mode, setMode] = useState<"view" | "update" | "edit">("view");
  const buttons = useId();
  const close = (from: "update" | "edit") => {
    setMode("view");
    // After the form is gone: back to the button that opened it.
    setTimeout(() => document.getElementById(`${buttons}-${from}`)?.focus());
  };
  const names = new Map(monitors.map((m) => [m.id, m.name]));
  const affected = incident.monitorIds.map(
    (id) => names.get(id) ?? "a monitor no longer on the page",
  );
  const opened = new Date(timestampMs(incident.createdAt));
  const titleId = `incident-${incident.id}`;

  return (
    <article
      aria-labelledby={titleId}
      className="space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 id={titleId} className="font-medium break-words">
            {incident.title}
          </h3>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-500 dark:text-slate-400">
            <span className={statusBadgeClass(incident.status)}>
              {statusLabel(incident.status)}
            </span>
            <span>{impactLabel(incident.impact)}</span>
            <span>
              · opened{" "}
              <time dateTime={opened.toISOString()}>
                {opened.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}
              </time>
            </span>
          </p>
          <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
            Affects {affected.length > 0 ? affected.join(", ") : "the whole page"}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button
            id={`${buttons}-update`}
            kind="secondary"
            aria-expanded={mode === "update"}
            onClick={() => setMode(mode === "update" ? "view" : "update")}
          >
            Post update
          </Button>
          <Button
            id={`${buttons}-edit`}
            kind="secondary"
            aria-expanded={mode === "edit"}
            onClick={() => setMode(mode === "edit" ? "view" : "edit")}
          >
            Edit
          </Button>
          <Button
            kind="secondary"
            aria-label={`Delete ${incident.title}`}
            onClick={() => onDelete(incident)}
          >
            Delete
          </Button>
        </div>
      </header>
      {mode === "update" && (
        <IncidentUpdateForm
          incidentTitle={incident.title}
          current={incident.status}
          onPost={async (status, message) => {
            await incidents.postUpdate(incident.id, status, message);
            close("update");
          }}
        />
      )}
      {mode === "edit" && (
        <IncidentEditForm
          incident={incident}
          monitors={monitors}
          onSave={async (values) => {
            await incidents.edit(incident.id, values);
            close("edit");
          }}
          onCancel={() => close("edit")}
        />
      )}
      <IncidentTimeline updates={incident.updates} />
    </article>
  );
}
