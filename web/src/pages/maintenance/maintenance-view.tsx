import { useId, useState } from "react";
import type { Maintenance } from "../../../../gen/pulsar/v1/maintenance_pb";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { EmptyState } from "../../components/empty-state";
import { Button, FormError } from "../../components/form";
import { Spinner } from "../../components/spinner";
import { useRequest } from "../../lib/use-request";
import { useDeletion } from "../alerts/use-deletion";
import { useMonitorChoices } from "../status-pages/monitor-choices";
import type { MaintenanceDeps } from "./client";
import { MaintenanceCalendar } from "./maintenance-calendar";
import { MaintenanceForm } from "./maintenance-form";
import { maintenanceValuesOf, newMaintenanceValues } from "./maintenance-values";
import { calendarOf } from "./upcoming-days";
import { useMaintenances } from "./use-maintenances";

/** Editing is the form's state: closed, a new maintenance, or one being edited. */
type Editing = { mode: "closed" } | { mode: "new" } | { mode: "edit"; maintenance: Maintenance };

/**
 * MaintenanceView is /maintenance: planned windows during which the chosen monitors alert
 * nobody and leave uptime alone, listed by day, with the form to add or change one.
 */
export function MaintenanceView({ client, monitors, pages, onUnauthenticated }: MaintenanceDeps) {
  const list = useMaintenances(client, onUnauthenticated);
  const monitorChoices = useMonitorChoices(monitors, onUnauthenticated);
  const pageChoices = useRequest(
    "status-pages",
    async (signal) => (await pages.listStatusPages({}, { signal })).pages,
    { onUnauthenticated },
  );
  const deletion = useDeletion<Maintenance>(list.deleteMaintenance);
  const [editing, setEditing] = useState<Editing>({ mode: "closed" });
  const newButton = useId();
  const close = () => {
    setEditing({ mode: "closed" });
    setTimeout(() => document.getElementById(newButton)?.focus());
  };

  const choicesProblem = monitorChoices.problem ?? pageChoices.problem;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Maintenance</h1>
          <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
            During a window, checks still run and are kept, marked; no alert is sent, and uptime
            leaves those checks out. Times below are in your browser's time zone.
          </p>
        </div>
        <Button id={newButton} onClick={() => setEditing({ mode: "new" })}>
          New maintenance
        </Button>
      </div>
      {editing.mode !== "closed" &&
        (monitorChoices.data && pageChoices.data ? (
          <MaintenanceForm
            key={editing.mode === "edit" ? editing.maintenance.id : "new"}
            heading={
              editing.mode === "edit"
                ? `Edit “${editing.maintenance.spec?.title ?? ""}”`
                : "New maintenance"
            }
            initial={
              editing.mode === "edit"
                ? maintenanceValuesOf(editing.maintenance)
                : newMaintenanceValues()
            }
            monitors={monitorChoices.data}
            pages={pageChoices.data}
            onSave={async (spec) => {
              await list.save(editing.mode === "edit" ? editing.maintenance.id : undefined, spec);
              close();
            }}
            onCancel={close}
          />
        ) : choicesProblem ? (
          <FormError>Could not load the monitors and pages: {choicesProblem.message}</FormError>
        ) : (
          <Spinner label="Loading monitors and pages…" />
        ))}
      {list.items ? (
        list.items.length > 0 ? (
          <MaintenanceCalendar
            calendar={calendarOf(list.items)}
            onEdit={(maintenance) => setEditing({ mode: "edit", maintenance })}
            onDelete={deletion.ask}
          />
        ) : (
          <EmptyState title="No maintenance planned">
            Plan a window before a deploy, so that it pages nobody.
          </EmptyState>
        )
      ) : list.problem ? (
        <FormError>Could not load the maintenance windows: {list.problem.message}</FormError>
      ) : (
        <Spinner label="Loading maintenance windows…" />
      )}
      <ConfirmDialog
        open={deletion.target !== undefined}
        title={`Delete “${deletion.target?.spec?.title ?? ""}”?`}
        confirmLabel="Delete maintenance"
        onConfirm={() => void deletion.confirm()}
        onCancel={deletion.cancel}
        busy={deletion.busy}
        error={deletion.error}
      >
        Every window of it goes, the current one too: its monitors alert again at once.
      </ConfirmDialog>
    </div>
  );
}
