import { Code } from "@connectrpc/connect";
import { useState } from "react";
import type { ApiProblem } from "../../api/errors";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { FormError } from "../../components/form";
import { Link } from "../../components/link";
import { SilentRegionsFlag } from "../../components/silent-regions-flag";
import { Spinner } from "../../components/spinner";
import { timestampMs } from "../../lib/format";
import { type KindName, kindOf } from "../../lib/monitor-kind";
import { silentRegionsOf } from "../../lib/region-liveness";
import { navigate } from "../../lib/router";
import { type RegionLister, useRegionLiveness } from "../../lib/use-region-liveness";
import { AlertingSections } from "./alerting-sections";
import { BadgesSection } from "./badges-section";
import type { MonitorAlertsClient, MonitorDetailClient } from "./client";
import { HeartbeatStatus } from "./heartbeat-status";
import { JobDurations } from "./job-durations";
import { LatestCheck } from "./latest-check";
import { MonitorHeader } from "./monitor-header";
import { PhasesChart } from "./phases-chart";
import { PingSection } from "./ping-section";
import { RecentChecks } from "./recent-checks";
import { RecentPings } from "./recent-pings";
import { RegionResults } from "./region-results";
import { regionRowsOf } from "./region-rows";
import { Section } from "./section";
import { StatsPanel } from "./stats-panel";
import { useMonitorAlerts } from "./use-monitor-alerts";
import { REFRESH_MS, rangeLabel, useMonitorDetail } from "./use-monitor-detail";

/** MonitorDetailProps are the monitor to show and what to load it with. */
export interface MonitorDetailProps {
  id: string;
  client: MonitorDetailClient;
  /** Where the monitor's incidents and alerts come from. */
  alerts: MonitorAlertsClient;
  /** Where each region's liveness comes from; without it no region is flagged. */
  regions?: RegionLister;
  /** Called when an RPC finds the session gone. */
  onUnauthenticated: () => void;
}

/**
 * MonitorDetail is the monitor detail page with its dependencies passed in: the header and its
 * actions, the latest check's waterfall, the phases over time, the stats, the incidents and
 * alerts, and the recent checks, all following the live stream. A heartbeat shows its ping URL
 * and snippets, its last ping and next deadline, job durations and recent pings instead. A
 * region it lists that no worker or probe serves is flagged under the header.
 */
export function MonitorDetail({
  id,
  client,
  alerts,
  regions,
  onUnauthenticated,
}: MonitorDetailProps) {
  const { monitor, results, stats, regionStats, timings, range, setRange, actions } =
    useMonitorDetail(id, { client, onUnauthenticated });
  const alerting = useMonitorAlerts(id, { client: alerts, onUnauthenticated });
  const liveness = useRegionLiveness(regions, { refreshMs: REFRESH_MS, onUnauthenticated });
  const [confirming, setConfirming] = useState(false);

  if (monitor.loading) {
    return <Spinner label="Loading monitor…" className="justify-center py-16" />;
  }
  if (!monitor.data) return <LoadFailed problem={monitor.problem} />;

  const m = monitor.data;
  const kind = kindOf(m);
  const heartbeat = kind === "heartbeat" ? m.heartbeat : undefined;
  const certificate = kind === "http" ? /^https:/i.test(m.url) : kind === "tcp" && !!m.tcp?.tls;
  const latest = results.data?.[0] ?? m.lastResult;
  const deleteProblem = actions.problem?.action === "delete" ? actions.problem : undefined;
  const otherProblem = actions.problem?.action !== "delete" ? actions.problem : undefined;
  const closeDialog = () => {
    setConfirming(false);
    if (deleteProblem) actions.clearProblem();
  };

  return (
    <div className="space-y-6">
      <MonitorHeader
        monitor={m}
        busy={actions.busy}
        onPause={() => void actions.pause()}
        onResume={() => void actions.resume()}
        onDelete={() => setConfirming(true)}
      />
      {otherProblem && <FormError>{otherProblem.message}</FormError>}
      <SilentRegionsFlag regions={silentRegionsOf(m, liveness)} />

      {heartbeat ? (
        <>
          <PingSection pingUrl={m.pingUrl} heartbeat={heartbeat} origin={window.location.origin} />
          <Section title="Latest ping">
            {results.loading && !results.data ? (
              <Spinner label="Loading pings…" />
            ) : (
              <HeartbeatStatus
                heartbeat={heartbeat}
                results={results.data ?? []}
                enabled={m.enabled}
                dueAtMs={timestampMs(m.heartbeatDueAt)}
                startedAtMs={timestampMs(m.heartbeatStartedAt)}
              />
            )}
          </Section>
          <Section title="Job durations">
            <JobDurations results={results.data ?? []} />
          </Section>
        </>
      ) : (
        <>
          <Section title="Latest check">
            {latest ? (
              <LatestCheck result={latest} kind={kind} />
            ) : results.loading ? (
              <Spinner label="Loading checks…" />
            ) : (
              <p className="text-sm text-slate-600 dark:text-slate-400">
                {m.enabled
                  ? "No checks yet — the first one runs within seconds."
                  : "No checks yet — resume the monitor to start checking."}
              </p>
            )}
          </Section>
          {m.regions.length > 1 && (
            <Section title="Regions">
              <RegionResults
                regions={regionRowsOf(m, results.data ?? [])}
                rule={m.regionRule}
                stats={regionStats.data?.[range]}
                windowLabel={rangeLabel(range)}
                kind={kind}
                certificate={certificate}
                alertDays={m.tlsExpiryAlertDays}
              />
            </Section>
          )}
          {m.conditions.length > 0 && <ConditionsList conditions={m.conditions} />}
          <Section title={kind === "dns" ? "Query time over time" : "Phases over time"}>
            <PhasesChart timings={timings} range={range} onRangeChange={setRange} kind={kind} />
          </Section>
        </>
      )}

      <Section title={STATS_TITLE[kind]}>
        <StatsPanel
          stats={stats}
          range={range}
          kind={kind}
          certificate={certificate}
          alertDays={m.tlsExpiryAlertDays}
          latest={latest}
        />
      </Section>

      {m.publicBadges && <BadgesSection publicId={m.publicId} origin={window.location.origin} />}

      <AlertingSections
        {...alerting}
        editHref={
          m.alertChannelIds.length === 0 ? `/monitors/${encodeURIComponent(m.id)}/edit` : undefined
        }
      />

      <Section title={heartbeat ? "Recent pings" : "Recent checks"}>
        {results.problem && (
          <FormError>
            Could not load the recent {heartbeat ? "pings" : "checks"}: {results.problem.message}
          </FormError>
        )}
        {results.data && results.data.length > 0 ? (
          heartbeat ? (
            <RecentPings results={results.data} />
          ) : (
            <RecentChecks results={results.data} kind={kind} />
          )
        ) : (
          !results.loading &&
          !results.problem && <p className="text-sm text-slate-500">None yet.</p>
        )}
      </Section>

      <ConfirmDialog
        open={confirming}
        title={`Delete ${m.name}?`}
        confirmLabel="Delete monitor"
        busy={actions.busy === "delete"}
        error={deleteProblem?.message}
        onCancel={closeDialog}
        onConfirm={async () => {
          if (await actions.remove()) navigate("/");
        }}
      >
        Its checks and their history are deleted too. This cannot be undone.
      </ConfirmDialog>
    </div>
  );
}

/** STATS_TITLE names the stats section by what the kind measures. */
const STATS_TITLE: Record<KindName, string> = {
  http: "Uptime and response time",
  tcp: "Uptime and connection time",
  dns: "Uptime and query time",
  heartbeat: "Uptime",
};

/** ConditionsList shows an HTTP monitor's conditions: a failed one is named in the check's error. */
function ConditionsList({ conditions }: { conditions: readonly string[] }) {
  return (
    <Section title="Conditions">
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">
        Every one must hold for a check to be up; a check's error names those that did not.
      </p>
      <ul className="space-y-1">
        {conditions.map((condition) => (
          <li key={condition}>
            <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800">
              {condition}
            </code>
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** LoadFailed is the page when the monitor could not be loaded: not found, or the server's error. */
function LoadFailed({ problem }: { problem: ApiProblem | undefined }) {
  const notFound = problem?.code === Code.NotFound;
  return (
    <div className="py-16 text-center">
      <h1 className="text-xl font-semibold">
        {notFound ? "Monitor not found" : "Could not load the monitor"}
      </h1>
      {problem && <p className="mt-2 text-slate-600 dark:text-slate-400">{problem.message}</p>}
      <p className="mt-4">
        <Link href="/" className="text-indigo-700 hover:underline dark:text-indigo-400">
          Back to monitors
        </Link>
      </p>
    </div>
  );
}
