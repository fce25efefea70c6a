import type { GetSystemStatsResponse } from "../../../../gen/pulsar/v1/system_pb";
import { StatCard } from "../../components/stat-card";
import { count, ms } from "../../lib/format";
import { rate } from "./format-rate";

/** The queue states that are work still to do (the others are history: completed, failed). */
const PENDING_STATES = new Set(["waiting", "prioritized", "delayed", "active", "waiting-children"]);

/**
 * SystemCards are the System page's headline figures: checks per second and their outcomes,
 * scheduling lateness, queue depth, stream clients and the processes publishing.
 */
export function SystemCards({ stats }: { stats: GetSystemStatsResponse }) {
  const outcomes = stats.checkOutcomes
    .filter((o) => o.perSecond > 0)
    .map((o) => `${o.label} ${rate(o.perSecond)}`)
    .join(" · ");
  const pending = stats.queues
    .filter((q) => q.queue === "checks" && PENDING_STATES.has(q.state))
    .reduce((sum, q) => sum + q.jobs, 0);
  const failed = stats.queues
    .filter((q) => q.state === "failed")
    .reduce((sum, q) => sum + q.jobs, 0);
  const lateTone =
    stats.latenessP99Ms > 5000 ? "bad" : stats.latenessP99Ms > 1000 ? "warn" : "default";
  return (
    <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-6">
      <StatCard
        label="Checks per second"
        value={rate(stats.checksPerSecond)}
        hint={outcomes || "no checks in the window"}
      />
      <StatCard label="Lateness p50" value={ms(stats.latenessP50Ms)} hint="start after its slot" />
      <StatCard label="Lateness p99" value={ms(stats.latenessP99Ms)} tone={lateTone} />
      <StatCard
        label="Check queue"
        value={count(pending)}
        hint={failed > 0 ? `${count(failed)} failed jobs kept` : "jobs waiting, delayed or active"}
      />
      <StatCard label="Stream clients" value={count(stats.streamClients)} hint="live dashboards" />
      <StatCard
        label="Processes"
        value={`${stats.workers} + ${stats.apiProcesses}`}
        hint={`${stats.workers} ${stats.workers === 1 ? "worker" : "workers"}, ${stats.apiProcesses} API`}
        tone={stats.workers === 0 ? "bad" : "default"}
      />
    </dl>
  );
}
