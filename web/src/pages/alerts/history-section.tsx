import { Button, FormError } from "../../components/form";
import { Spinner } from "../../components/spinner";
import { AlertEventList } from "./alert-event-list";
import { PageSection } from "./page-section";
import type { AlertHistory } from "./use-alert-history";

/** HistorySection is the alert history, newest first, live, with older alerts on request. */
export function HistorySection({ history }: { history: AlertHistory }) {
  const { older } = history;
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
        <>
          <AlertEventList events={history.data} label="Alert history" />
          {older.problem && (
            <FormError>Could not load older alerts: {older.problem.message}</FormError>
          )}
          {older.more ? (
            <Button
              kind="secondary"
              onClick={older.load}
              disabled={older.loading}
              aria-busy={older.loading || undefined}
            >
              {older.loading ? "Loading older alerts…" : "Load older"}
            </Button>
          ) : (
            older.loaded && (
              <p className="text-sm text-slate-500 dark:text-slate-400">
                That is the whole history.
              </p>
            )
          )}
        </>
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
