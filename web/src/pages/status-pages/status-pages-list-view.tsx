import type { StatusPage } from "../../../../gen/pulsar/v1/status_page_pb";
import { EmptyState } from "../../components/empty-state";
import { FormError } from "../../components/form";
import { Link } from "../../components/link";
import { Spinner } from "../../components/spinner";
import { useDeletion } from "../alerts/use-deletion";
import type { StatusPagesDeps } from "./client";
import { DeletePageDialog } from "./delete-page-dialog";
import { StatusPageList } from "./status-page-list";
import { useStatusPages } from "./use-status-pages";

const NEW_LINK =
  "rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500";

/** StatusPagesListView is /status-pages: the organization's public pages, and a new one. */
export function StatusPagesListView({ client, onUnauthenticated }: StatusPagesDeps) {
  const pages = useStatusPages(client, onUnauthenticated);
  const deletion = useDeletion<StatusPage>(pages.deletePage);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Status pages</h1>
          <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
            Public pages that tell your users how your services stand, without signing in.
          </p>
        </div>
        <Link href="/status-pages/new" className={NEW_LINK}>
          New status page
        </Link>
      </div>
      {pages.items ? (
        pages.items.length > 0 ? (
          <StatusPageList pages={pages.items} onDelete={deletion.ask} />
        ) : (
          <EmptyState title="No status pages yet">
            Create one, pick the monitors it shows, and share its address.
          </EmptyState>
        )
      ) : pages.problem ? (
        <FormError>Could not load the status pages: {pages.problem.message}</FormError>
      ) : (
        <Spinner label="Loading status pages…" />
      )}
      <DeletePageDialog deletion={deletion} />
    </div>
  );
}
