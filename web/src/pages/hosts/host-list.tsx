import type { Host } from "../../../../gen/pulsar/v1/host_pb";
import { Link } from "../../components/link";
import { ago, bytes, timestampMs } from "../../lib/format";
import { hostName } from "./host-name";
import { LabelChips } from "./label-chips";

/** HostListProps are the hosts to list and the one shown. */
export interface HostListProps {
  hosts: readonly Host[];
  selectedId: string | undefined;
}

/**
 * HostList lists the hosts with their name, state, shared badge, labels, address, OS, cores,
 * memory, agent version and last sample; each links to its page. On a phone it is a short scrolling list above the selected host.
 */
export function HostList({ hosts, selectedId }: HostListProps) {
  return (
    <nav aria-label="Hosts">
      <ul className="max-h-56 space-y-1 overflow-y-auto lg:max-h-none">
        {hosts.map((host) => (
          <li key={host.id}>
            <HostItem host={host} selected={host.id === selectedId} />
          </li>
        ))}
      </ul>
    </nav>
  );
}

function HostItem({ host, selected }: { host: Host; selected: boolean }) {
  const facts = [
    host.ipAddress,
    host.os,
    host.cores > 0 && `${host.cores} ${host.cores === 1 ? "core" : "cores"}`,
    host.memoryBytes > 0 && bytes(host.memoryBytes),
    host.agentVersion && `agent ${host.agentVersion}`,
  ].filter(Boolean);
  const name = hostName(host);
  return (
    <Link
      href={`/hosts/${encodeURIComponent(host.id)}`}
      aria-current={selected ? "page" : undefined}
      className={`block rounded-md px-3 py-2 text-sm ${
        selected
          ? "bg-indigo-50 ring-1 ring-indigo-200 dark:bg-indigo-950 dark:ring-indigo-900"
          : "hover:bg-slate-50 dark:hover:bg-slate-900"
      }`}
    >
      <span className="flex items-center gap-2">
        <span
          aria-hidden
          className={`inline-block h-2.5 w-2.5 shrink-0 rounded-full ${host.online ? "bg-up" : "bg-down"}`}
        />
        <span
          className="truncate font-medium"
          title={name === host.hostname ? name : `${name} (${host.hostname})`}
        >
          {name}
        </span>
        <span className="sr-only">{host.online ? "online" : "offline"}</span>
        {host.shared && (
          <span
            className="ml-auto shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300"
            title="Sampled by a shared worker; visible to every organization"
          >
            shared
          </span>
        )}
      </span>
      <LabelChips labels={host.labels} label={`Labels of ${name}`} className="mt-1" />
      {facts.length > 0 && (
        <span className="mt-0.5 block truncate text-xs text-slate-500 dark:text-slate-400">
          {facts.join(" · ")}
        </span>
      )}
      <span className="mt-0.5 block text-xs text-slate-500 dark:text-slate-400">
        {host.online ? "Online" : "Offline"} · last seen {ago(timestampMs(host.lastSeen))}
      </span>
    </Link>
  );
}
