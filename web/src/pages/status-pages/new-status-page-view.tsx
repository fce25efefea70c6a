import { useState } from "react";
import { FormError } from "../../components/form";
import { Link } from "../../components/link";
import { Spinner } from "../../components/spinner";
import { navigate } from "../../lib/router";
import type { StatusPagesDeps } from "./client";
import { useMonitorChoices } from "./monitor-choices";
import { newPageValues } from "./page-values";
import { StatusPageForm } from "./status-page-form";
import { createPage } from "./use-status-pages";

/**
 * NewStatusPageView is /status-pages/new: the form; once the page is made, its detail, where
 * the preview and the incidents are.
 */
export function NewStatusPageView({ client, monitors, onUnauthenticated }: StatusPagesDeps) {
  const choices = useMonitorChoices(monitors, onUnauthenticated);
  const [initial] = useState(newPageValues);
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <Link
          href="/status-pages"
          className="text-sm text-indigo-700 hover:underline dark:text-indigo-400"
        >
          ← Status pages
        </Link>
        <h1 className="mt-2 text-xl font-semibold">New status page</h1>
      </div>
      {choices.data ? (
        <StatusPageForm
          initial={initial}
          choices={choices.data}
          submitLabel="Create status page"
          onSave={async (spec) => {
            const page = await createPage(client, spec, onUnauthenticated);
            if (page) navigate(`/status-pages/${page.id}`);
          }}
        />
      ) : choices.problem ? (
        <FormError>Could not load the monitors: {choices.problem.message}</FormError>
      ) : (
        <Spinner label="Loading monitors…" />
      )}
    </div>
  );
}
