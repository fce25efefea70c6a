import { FormError } from "../../components/form";
import { Link } from "../../components/link";
import { Spinner } from "../../components/spinner";
import { navigate } from "../../lib/router";
import type { HostsDeps } from "./client";
import { HostDetail } from "./host-detail";
import { HostList } from "./host-list";
import { LabelFilter } from "./label-filter";
import { NoHosts } from "./no-hosts";
import { type HostsPageData, useHostsPage } from "./use-hosts-page";

/** HostsViewProps are the host in the path (none on /hosts) and where the data comes from. */
export interface HostsViewProps extends HostsDeps {
  id?: string;
}

/**
 * HostsView is the hosts page: the list of hosts (filtered by labels if asked) beside the
 * selected one (above it on a phone), an empty state before any host has reported, and the
 * server's words when the list cannot be loaded.
 */
export function HostsView({ id, ...deps }: HostsViewProps) {
  const page = useHostsPage(id, deps);
  const hosts = page.hosts.data;

  if (!hosts && !id) {
    return page.hosts.problem ? (
      <FormError>Could not load the hosts: {page.hosts.problem.message}</FormError>
    ) : (
      <Spinner label="Loading hosts…" />
    );
  }
  if (hosts?.length === 0 && !id) return <NoHosts />;
  const missing = hosts !== undefined && !page.selected && page.samples.length === 0;
  const selectedId = page.selectedId;

  return (
    <div className="grid gap-6 lg:grid-cols-[16rem_minmax(0,1fr)]">
      <div className="min-w-0">
        <h1 className="mb-2 text-sm font-semibold text-slate-500 dark:text-slate-400">Hosts</h1>
        <LabelFilter
          selector={page.labelSelector}
          onApply={page.setLabelSelector}
          problem={page.filtered.problem}
        />
        {page.hosts.problem && <FormError>{page.hosts.problem.message}</FormError>}
        <Listed page={page} />
      </div>
      {missing ? (
        <div className="py-8 text-center">
          <h2 className="text-lg font-semibold">Host not found</h2>
          <p className="mt-2 text-sm text-slate-500">
            No host {id} reports to this organization.{" "}
            <Link href="/hosts" className="text-indigo-600 hover:underline dark:text-indigo-400">
              All hosts
            </Link>
          </p>
        </div>
      ) : (
        <HostDetail
          host={page.selected}
          samples={page.samples}
          intervalMs={page.intervalMs}
          range={page.range}
          onRangeChange={page.setRange}
          history={page.history}
          onUpdate={(change) =>
            selectedId ? page.actions.update(selectedId, change) : Promise.resolve()
          }
          onDelete={() => (selectedId ? page.actions.remove(selectedId) : Promise.resolve())}
          onDeleted={() => navigate("/hosts")}
        />
      )}
    </div>
  );
}

/** Listed is the host list under the filter: every host, or those the selector matches. */
function Listed({ page }: { page: HostsPageData }) {
  const listed = page.labelSelector ? page.filtered : page.hosts;
  // A refused selector is said beside the filter; there is no list to show for it.
  if (!listed.data) return listed.problem ? null : <Spinner />;
  if (listed.data.length === 0) {
    return (
      <p className="px-3 text-sm text-slate-500 dark:text-slate-400">
        {page.labelSelector ? `No host has the labels ${page.labelSelector}.` : "No hosts."}
      </p>
    );
  }
  return <HostList hosts={listed.data} selectedId={page.selectedId} />;
}
