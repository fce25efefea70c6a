import type { AlertEvent } from "../../../../gen/pulsar/v1/alert_pb";
import { FormError } from "../../components/form";
import { Spinner } from "../../components/spinner";
import type { RequestState } from "../../lib/use-request";
import { AlertEventList } from "./alert-event-list";
import { PageSection } from "./page-section";

/** HistorySection is the alert history, newest first, live. */
export function HistorySection({ history }: { history: RequestState<AlertEvent[]> }) {
  return (
    <PageSection
      id="history"
      title="History"
      intro="Every alert, newest first, and how its delivery to each channel went. New ones appear as they happen."
    >
      {history.problem && (
        <FormError>Could not load the alert history: {history.problem.message}</FormError>
      )}
      {history.data && history.data.length > 0 ? (
        <AlertEventList events={history.data} label="Alert history" />
      ) : history.loading ? (
        <Spinner label="Loading the alert history…" />
      ) : (
        !history.problem && (
          <p className="text-sm text-slate-500 dark:text-slate-400">
            No alerts yet. They appear here when a monitor goes down or recovers, a rule fires or
            resolves, or you send a test.
          </p>
        )
      )}
    </PageSection>
  );
}
