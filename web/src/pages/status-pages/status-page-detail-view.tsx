import { useEffect, useState } from "react";
import type { StatusPage } from "../../../../gen/pulsar/v1/status_page_pb";
import { Button, FormError } from "../../components/form";
import { Link } from "../../components/link";
import { Spinner } from "../../components/spinner";
import { navigate } from "../../lib/router";
import { useRequest } from "../../lib/use-request";
import { rethrowing } from "../alerts/use-collection";
import { useDeletion } from "../alerts/use-deletion";
import type { StatusPagesDeps } from "./client";
import { DeletePageDialog } from "./delete-page-dialog";
import { IncidentsSection } from "./incidents/incidents-section";
import { useMonitorChoices } from "./monitor-choices";
import { PagePreview } from "./page-preview";
import { pageValuesOf } from "./page-values";
import { StatusPageForm } from "./status-page-form";

/**
 * StatusPageDetailView is /status-pages/<id>: the page's form beside a preview of the saved
 * page, then the incidents written on it, and Delete.
 */
export function StatusPageDetailView({ id, ...deps }: StatusPagesDeps & { id: string }) {
  const { client, monitors, onUnauthenticated } = deps;
  const loaded = useRequest(
    `status-page:${id}`,
    async (signal) => (await client.getStatusPage({ id }, { signal })).page,
    { onUnauthenticated },
  );
  const choices = useMonitorChoices(monitors, onUnauthenticated);
  // The page as last saved here: the preview and the incidents follow it.
  const [page, setPage] = useState<StatusPage>();
  useEffect(() => setPage(loaded.data), [loaded.data]);
  const deletion = useDeletion<StatusPage>(async (pageId) => {
    await client.deleteStatusPage({ id: pageId }).catch(rethrowing(onUnauthenticated));
    navigate("/status-pages");
  });

  const problem = loaded.problem ?? choices.problem;
  if (!page || !choices.data) {
    return problem ? (
      <FormError>Could not load the status page: {problem.message}</FormError>
    ) : (
      <Spinner label="Loading the status page…" />
    );
  }
  const title = page.spec?.title ?? "";
  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <Link
            href="/status-pages"
            className="text-sm text-indigo-700 hover:underline dark:text-indigo-400"
          >
            ← Status pages
          </Link>
          <h1 className="mt-2 text-xl font-semibold break-words">{title}</h1>
        </div>
        <Button kind="secondary" onClick={() => deletion.ask(page)}>
          Delete page
        </Button>
      </div>
      <div className="grid gap-8 lg:grid-cols-2">
        <StatusPageForm
          key={page.id}
          initial={pageValuesOf(page)}
          choices={choices.data}
          submitLabel="Save"
          onSave={async (spec) => {
            const answer = await client
              .updateStatusPage({ id: page.id, page: spec })
              .catch(rethrowing(onUnauthenticated));
            if (answer.page) setPage(answer.page);
          }}
        />
        <div className="lg:sticky lg:top-4 lg:self-start">
          <PagePreview page={page} />
        </div>
      </div>
      <IncidentsSection page={page} choices={choices.data} deps={deps} />
      <DeletePageDialog deletion={deletion} />
    </div>
  );
}
