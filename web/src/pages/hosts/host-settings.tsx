import type { Host } from "../../../../gen/pulsar/v1/host_pb";
import { AgentSettingsForm } from "./agent-settings-form";
import { DeleteHost } from "./delete-host";
import { HostEditForm } from "./host-edit-form";
import { hostName } from "./host-name";
import { Panel } from "./panel";
import type { HostChange } from "./use-host-actions";

/** HostSettingsProps are the host and what changing and deleting it do. */
export interface HostSettingsProps {
  host: Host;
  onUpdate: (change: HostChange) => Promise<void>;
  onDelete: () => Promise<void>;
  onDeleted: () => void;
}

/**
 * HostSettings are the organization's own host's settings: name and labels, what its agent
 * collects, and deleting it. A shared host belongs to no organization: it is read-only.
 */
export function HostSettings({ host, onUpdate, onDelete, onDeleted }: HostSettingsProps) {
  if (host.shared) {
    return (
      <p className="text-sm text-slate-500 dark:text-slate-400">
        A shared host is sampled by a shared worker and shown to every organization: it cannot be
        renamed, labelled, configured or deleted from here.
      </p>
    );
  }
  // Keyed by host: another host's page starts from that host's values, not what was typed.
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Panel title="Name and labels">
        <HostEditForm key={host.id} host={host} onSave={onUpdate} />
      </Panel>
      <Panel title="Agent settings">
        <AgentSettingsForm key={host.id} host={host} onSave={onUpdate} />
      </Panel>
      <Panel title="Delete" className="lg:col-span-2">
        <DeleteHost name={hostName(host)} onDelete={onDelete} onDeleted={onDeleted} />
      </Panel>
    </div>
  );
}
