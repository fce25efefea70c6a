import { FormError } from "../../components/form";
import { Link } from "../../components/link";
import { Spinner } from "../../components/spinner";
import { AlertEventList } from "../alerts/alert-event-list";
import { Incidents } from "./incidents";
import { Section } from "./section";
import type { MonitorAlertsData } from "./use-monitor-alerts";

/**
 * AlertingSections are the detail page's "Incidents" and "Recent alerts": each its list, or
 * that there is none yet, or why it could not be loaded in the server's words.
 */
export function AlertingSections({
  incidents,
  alerts,
  editHref,
}: MonitorAlertsData & {
  /** The monitor's edit page, when it alerts no channel yet: the way to choose some. */
  editHref?: string;
}) {
  const link = "text-indigo-700 hover:underline dark:text-indigo-400";
  return (
    <>
      <Section title="Incidents">
        {incidents.problem && (
          <FormError>Could not load the incidents: {incidents.problem.message}</FormError>
        )}
        {incidents.data && incidents.data.length > 0 ? (
          <Incidents incidents={incidents.data} />
        ) : incidents.loading ? (
          <Spinner label="Loading incidents…" />
        ) : (
          !incidents.problem && (
            <p className="text-sm text-slate-500 dark:text-slate-400">
              No incidents: it has not been down.
            </p>
          )
        )}
      </Section>

      <Section title="Recent alerts">
        {alerts.problem && (
          <FormError>Could not load the alerts: {alerts.problem.message}</FormError>
        )}
        {alerts.data && alerts.data.length > 0 ? (
          <AlertEventList events={alerts.data} label="Recent alerts of this monitor" />
        ) : alerts.loading ? (
          <Spinner label="Loading alerts…" />
        ) : (
          !alerts.problem && (
            <p className="text-sm text-slate-500 dark:text-slate-400">
              No alerts yet.
              {editHref && (
                <>
                  {" "}
                  It alerts no channel:{" "}
                  <Link href={editHref} className={link}>
                    choose channels
                  </Link>{" "}
                  (add them on the{" "}
                  <Link href="/alerts" className={link}>
                    Alerts page
                  </Link>
                  ).
                </>
              )}
            </p>
          )
        )}
      </Section>
    </>
  );
}
