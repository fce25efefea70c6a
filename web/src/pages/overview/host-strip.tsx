import { Link } from "../../components/link";
import { Spinner } from "../../components/spinner";
import { StatusDot } from "../../components/status-dot";
import { bytes } from "../../lib/format";
import { type HostSummary, type HostsState, isOnline } from "./use-hosts";

/** The strip is a glance, not the hosts page: a few hosts, then a link to all of them. */
const MAX_SHOWN = 8;

/** HostStrip is the overview's row of hosts: name, online, latest CPU and memory. */
export function HostStrip({ state, now }: { state: HostsState; now: number }) {
  return (
    <section aria-labelledby="host-strip-heading">
      <div className="flex items-baseline justify-between gap-4">
        <h2
          id="host-strip-heading"
          className="text-sm font-semibold text-slate-600 dark:text-slate-400"
        >
          Hosts
        </h2>
        <Link
          href="/hosts"
          className="text-sm text-indigo-600 hover:underline dark:text-indigo-400"
        >
          All hosts
        </Link>
      </div>
      {state.phase === "loading" && <Spinner label="Loading hosts…" className="mt-2" />}
      {state.phase === "error" && (
        <p className="mt-2 text-sm text-red-600 dark:text-red-400">
          Hosts could not be loaded: {state.problem.message}
        </p>
      )}
      {state.phase === "ready" && state.hosts.length === 0 && (
        <p className="mt-2 text-sm text-slate-500 dark:text-slate-400">No host is reporting yet.</p>
      )}
      {state.phase === "ready" && state.hosts.length > 0 && (
        <ul className="mt-2 flex gap-2 overflow-x-auto pb-1">
          {state.hosts.slice(0, MAX_SHOWN).map((host) => (
            <li key={host.id} className="shrink-0">
              <HostChip host={host} online={isOnline(host, now)} />
            </li>
          ))}
          {state.hosts.length > MAX_SHOWN && (
            <li className="shrink-0 self-center px-2 text-sm">
              <Link href="/hosts" className="text-indigo-600 hover:underline dark:text-indigo-400">
                +{state.hosts.length - MAX_SHOWN} more
              </Link>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}

function HostChip({ host, online }: { host: HostSummary; online: boolean }) {
  const memory =
    host.memoryUsedBytes !== undefined && host.memoryTotalBytes
      ? `${bytes(host.memoryUsedBytes)} / ${bytes(host.memoryTotalBytes)}`
      : "—";
  return (
    <Link
      href={`/hosts/${encodeURIComponent(host.id)}`}
      className="block min-w-44 rounded-md border border-slate-200 px-3 py-2 text-sm hover:bg-slate-50 dark:border-slate-800 dark:hover:bg-slate-900"
    >
      <span className="flex items-center gap-2 font-medium">
        <StatusDot status={online ? "up" : "down"} label={online ? "Online" : "Offline"} />
        <span className="truncate">{host.hostname}</span>
      </span>
      <span className="mt-1 block text-xs text-slate-500 tabular-nums dark:text-slate-400">
        CPU {host.cpuPercent === undefined ? "—" : `${host.cpuPercent.toFixed(0)} %`} · Mem {memory}
      </span>
    </Link>
  );
}
