import { type ReactNode, useId, useState } from "react";
import type { StatusIncident, StatusPage } from "../../../../../gen/pulsar/v1/status_page_pb";
import { StatusIncidentStatus } from "../../../../../gen/pulsar/v1/status_page_pb";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { Button, FormError } from "../../../components/form";
import { Spinner } from "../../../components/spinner";
import { useDeletion } from "../../alerts/use-deletion";
import type { StatusPagesDeps } from "../client";
import type { MonitorChoice } from "../monitor-choices";
import { IncidentCard } from "./incident-card";
import { NewIncidentForm } from "./new-incident-form";
import { pageMonitors } from "./page-monitors";
import { useIncidents } from "./use-incidents";

/**
 * IncidentsSection is what the organization tells the page's readers: open incidents, then
 * recent ones, each with its updates; "New incident" opens the form above them.
 */
export function IncidentsSection({
  page,
  choices,
  deps,
}: {
  page: StatusPage;
  choices: readonly MonitorChoice[];
  deps: StatusPagesDeps;
}) {
  const incidents = useIncidents(deps.client, page.id, deps.onUnauthenticated);
  const deletion = useDeletion<StatusIncident>(incidents.remove);
  const [creating, setCreating] = useState(false);
  const newButton = useId();
  const monitors = pageMonitors(page, choices);
  const stopCreating = () => {
    setCreating(false);
    setTimeout(() => document.getElementById(newButton)?.focus());
  };
  const items = incidents.items ?? [];
  const open = items.filter((i) => i.status !== StatusIncidentStatus.RESOLVED);
  const resolved = items.filter((i) => i.status === StatusIncidentStatus.RESOLVED);

  return (
    <section aria-labelledby="incidents-title" className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id="incidents-title" className="text-lg font-semibold">
            Incidents
          </h2>
          <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
            Written by you and shown on the page with their updates. Checks' own incidents stay
            private.
          </p>
        </div>
        {!creating && (
          <Button id={newButton} onClick={() => setCreating(true)}>
            New incident
          </Button>
        )}
      </div>
      {creating && (
        <NewIncidentForm
          monitors={monitors}
          onCreate={async (incident) => {
            await incidents.create(incident);
            stopCreating();
          }}
          onCancel={stopCreating}
        />
      )}
      {incidents.items === undefined ? (
        incidents.problem ? (
          <FormError>Could not load the incidents: {incidents.problem.message}</FormError>
        ) : (
          <Spinner label="Loading incidents…" />
        )
      ) : items.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">No incidents. All quiet.</p>
      ) : (
        <>
          <IncidentGroup
            title="Open"
            incidents={open}
            render={(incident) => (
              <IncidentCard
                key={incident.id}
                incident={incident}
                monitors={monitors}
                incidents={incidents}
                onDelete={deletion.ask}
              />
            )}
          />
          <IncidentGroup
            title="Recent"
            incidents={resolved}
            render={(incident) => (
              <IncidentCard
                key={incident.id}
                incident={incident}
                monitors={monitors}
                incidents={incidents}
                onDelete={deletion.ask}
              />
            )}
          />
        </>
      )}
      <ConfirmDialog
        open={deletion.target !== undefined}
        title={`Delete “${deletion.target?.title ?? ""}”?`}
        confirmLabel="Delete incident"
        onConfirm={() => void deletion.confirm()}
        onCancel={deletion.cancel}
        busy={deletion.busy}
        error={deletion.error}
      >
        It and its updates disappear from the page and its feed. This cannot be undone.
      </ConfirmDialog>
    </section>
  );
}

/** IncidentGroup is a heading and its incidents; nothing when there are none. */
function IncidentGroup({
  title,
  incidents,
  render,
}: {
  title: string;
  incidents: StatusIncident[];
  render: (incident: StatusIncident) => ReactNode;
}) {
  if (incidents.length === 0) return null;
  return (
    <div className="space-y-3">
      <h3 className="text-sm font-semibold text-slate-600 uppercase dark:text-slate-300">
        {title}
      </h3>
      {incidents.map(render)}
    </div>
  );
}
