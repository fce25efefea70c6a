import type { StatusPage } from "../../../../gen/pulsar/v1/status_page_pb";
import { CheckboxField } from "../../components/checkbox-field";
import type { MonitorChoice } from "../status-pages/monitor-choices";
import { MonitorSearch } from "../status-pages/monitor-search";
import type { MaintenanceFormValues } from "./maintenance-values";

/**
 * TargetFields are what a maintenance covers: monitors (searchable) and status pages (every
 * monitor on them); at least one of either. The error about the choice shows once, below.
 */
export function TargetFields({
  values,
  change,
  monitors,
  pages,
  error,
}: {
  values: MaintenanceFormValues;
  change: <K extends keyof MaintenanceFormValues>(
    field: K,
    value: MaintenanceFormValues[K],
  ) => void;
  monitors: readonly MonitorChoice[];
  pages: readonly StatusPage[];
  error?: string;
}) {
  const toggle = (ids: string[], id: string, on: boolean) =>
    on ? [...ids.filter((i) => i !== id), id] : ids.filter((i) => i !== id);
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <MonitorSearch
        legend="Monitors"
        choices={monitors}
        selected={values.monitorIds}
        onToggle={(id, on) => change("monitorIds", toggle(values.monitorIds, id, on))}
        error={error}
      />
      <fieldset>
        <legend className="text-sm font-medium">Status pages</legend>
        <p className="text-xs text-slate-500 dark:text-slate-400">Every monitor on the page.</p>
        {pages.length === 0 ? (
          <p className="mt-2 text-sm text-slate-500 dark:text-slate-400">No status pages yet.</p>
        ) : (
          <div className="mt-2 space-y-1">
            {pages.map((page) => (
              <CheckboxField
                key={page.id}
                label={page.spec?.title || page.spec?.slug || page.id}
                checked={values.statusPageIds.includes(page.id)}
                onChange={(e) =>
                  change("statusPageIds", toggle(values.statusPageIds, page.id, e.target.checked))
                }
              />
            ))}
          </div>
        )}
      </fieldset>
    </div>
  );
}
