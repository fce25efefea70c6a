import { useMemo, useState } from "react";
import type { Monitor } from "../../../gen/pulsar/v1/monitor_pb";
import { hostClient, monitorClient, regionClient } from "../api/clients";
import { useSession } from "../auth/session";
import { EmptyState } from "../components/empty-state";
import { Button, FormError } from "../components/form";
import { Link } from "../components/link";
import { Spinner } from "../components/spinner";
import { type RegionLister, useRegionLiveness } from "../lib/use-region-liveness";
import { HostStrip } from "./overview/host-strip";
import { countKinds, filterByKind, type KindFilter } from "./overview/kind-filter";
import { KindFilters } from "./overview/kind-filters";
import { MonitorFilters } from "./overview/monitor-filters";
import { MonitorList } from "./overview/monitor-list";
import { countStatuses, filterMonitors, type StatusFilter } from "./overview/monitor-state";
import { type HostLister, useHosts } from "./overview/use-hosts";
import { type MonitorLister, useMonitors } from "./overview/use-monitors";
import { useNow } from "./overview/use-now";
import { type SummaryReader, useSummaries } from "./overview/use-summaries";

/** ADD_LINK styles the "Add monitor" link as the app's primary button. */
const ADD_LINK =
  "inline-block rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500";
const NO_MONITORS: readonly Monitor[] = [];

/** OverviewPage is "/": the overview wired to the app's clients and session. */
export function OverviewPage() {
  const { expired } = useSession();
  return (
    <Overview
      monitors={monitorClient}
      hosts={hostClient}
      regions={regionClient}
      onUnauthenticated={expired}
    />
  );
}

/** OverviewProps are the overview's dependencies: tests pass in-memory clients. */
export interface OverviewProps {
  monitors: MonitorLister & SummaryReader;
  hosts: HostLister;
  /** Where each region's liveness comes from (asked once per load); without it nothing is flagged. */
  regions?: RegionLister;
  /** Called when an RPC answers unauthenticated. */
  onUnauthenticated: () => void;
}

/**
 * Overview is every monitor of the organization, live, with filters and search, under a strip
 * of hosts. A monitor listing a region that no worker or probe serves is flagged.
 */
export function Overview({ monitors: client, hosts, regions, onUnauthenticated }: OverviewProps) {
  const state = useMonitors(client, onUnauthenticated);
  const liveness = useRegionLiveness(regions, { onUnauthenticated });
  const [kind, setKind] = useState<KindFilter>("all");
  const [status, setStatus] = useState<StatusFilter>("all");
  const [search, setSearch] = useState("");
  const [visibleIds, setVisibleIds] = useState<readonly string[]>([]);
  const summaries = useSummaries(client, visibleIds, onUnauthenticated);
  const now = useNow(5_000);

  const all = state.phase === "ready" ? state.monitors : NO_MONITORS;
  const kindCounts = useMemo(() => countKinds(all), [all]);
  // Status counts are of the chosen kind: choosing one narrows everything below it.
  const ofKind = useMemo(() => filterByKind(all, kind), [all, kind]);
  const counts = useMemo(() => countStatuses(ofKind), [ofKind]);
  const shown = useMemo(() => filterMonitors(ofKind, status, search), [ofKind, status, search]);
  const empty = state.phase === "ready" && state.complete && all.length === 0;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">Monitors</h1>
        {!empty && (
          <Link href="/monitors/new" className={ADD_LINK}>
            Add monitor
          </Link>
        )}
      </div>
      <HostSection client={hosts} onUnauthenticated={onUnauthenticated} />
      {state.phase === "loading" && <Spinner label="Loading monitors…" />}
      {state.phase === "error" && (
        <div className="space-y-3">
          <FormError>Monitors could not be loaded: {state.problem.message}</FormError>
          <Button kind="secondary" onClick={state.reload}>
            Try again
          </Button>
        </div>
      )}
      {empty && (
        <EmptyState
          title="No monitors yet"
          action={
            <Link href="/monitors/new" className={ADD_LINK}>
              Add monitor
            </Link>
          }
        >
          A monitor checks a URL, a TCP port or a DNS name on a schedule and records how long each
          phase took, or waits for the pings of a job you run (a heartbeat).
        </EmptyState>
      )}
      {state.phase === "ready" && !empty && (
        <section aria-label="Monitor list" className="space-y-3">
          <KindFilters kind={kind} onKind={setKind} counts={kindCounts} />
          <MonitorFilters
            status={status}
            onStatus={setStatus}
            search={search}
            onSearch={setSearch}
            counts={counts}
          />
          <p aria-live="polite" className="text-xs text-slate-500 dark:text-slate-400">
            {shown.length === all.length
              ? `${all.length} monitors`
              : `Showing ${shown.length} of ${all.length} monitors`}
          </p>
          {shown.length > 0 ? (
            <MonitorList
              monitors={shown}
              summaries={summaries}
              now={now}
              liveness={liveness}
              onVisibleIds={setVisibleIds}
            />
          ) : (
            <EmptyState
              title="No monitors match"
              action={
                <Button
                  kind="secondary"
                  onClick={() => {
                    setKind("all");
                    setStatus("all");
                    setSearch("");
                  }}
                >
                  Clear filters
                </Button>
              }
            />
          )}
          {!state.complete && <Spinner label="Loading more monitors…" />}
        </section>
      )}
    </div>
  );
}

/** HostSection holds the hosts' state apart, so live host samples do not re-render the list. */
function HostSection({
  client,
  onUnauthenticated,
}: {
  client: HostLister;
  onUnauthenticated: () => void;
}) {
  const state = useHosts(client, onUnauthenticated);
  const now = useNow(10_000);
  return <HostStrip state={state} now={now} />;
}
