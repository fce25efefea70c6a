import { useState } from "react";
import type { Host } from "../../../../gen/pulsar/v1/host_pb";
import { problemOf } from "../../api/errors";
import { Button, FormError } from "../../components/form";
import { ago, shortTime, timestampMs } from "../../lib/format";
import { LabelChips } from "./label-chips";
import type { HostChange } from "./use-host-actions";

/** HostAboutProps are the host described and, unless it is shared, how its labels are reset. */
export interface HostAboutProps {
  host: Host;
  onUpdate?: (change: HostChange) => Promise<void>;
}

/**
 * HostAbout is what the registry knows of a host: its machine, address, agent, when it was first
 * and last seen, and its labels. When labels were set here they win over the agent's, which are
 * shown too, with the way back to them.
 */
export function HostAbout({ host, onUpdate }: HostAboutProps) {
  const when = (ms: number) => (ms ? `${shortTime(ms)} (${ago(ms)})` : "—");
  const facts: [string, string][] = [
    ["OS", host.os],
    ["Kernel", host.kernel],
    ["Architecture", host.arch],
    [
      "Processor",
      [host.cpuModel, host.cores > 0 && `${host.cores} cores`].filter(Boolean).join(", "),
    ],
    ["IP address", host.ipAddress],
    ["Agent version", host.agentVersion],
    ["First seen", when(timestampMs(host.firstSeen))],
    ["Last seen", when(timestampMs(host.lastSeen))],
  ];
  return (
    <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_minmax(0,1fr)]">
      {facts.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="text-slate-500 dark:text-slate-400">{term}</dt>
          <dd className="min-w-0 break-words">{value || "—"}</dd>
        </div>
      ))}
      <div className="contents">
        <dt className="text-slate-500 dark:text-slate-400">Labels</dt>
        <dd className="min-w-0">
          {Object.keys(host.labels).length > 0 ? (
            <LabelChips labels={host.labels} label="Labels" />
          ) : (
            "none"
          )}
          {host.labelsEdited && <AgentLabels host={host} onUpdate={onUpdate} />}
        </dd>
      </div>
    </dl>
  );
}

function AgentLabels({ host, onUpdate }: HostAboutProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const reset = async () => {
    if (!onUpdate) return;
    setBusy(true);
    setError(undefined);
    try {
      await onUpdate({ resetLabels: true });
    } catch (e) {
      setError(problemOf(e).message);
    } finally {
      setBusy(false);
    }
  };
  const hasAgentLabels = Object.keys(host.agentLabels).length > 0;
  return (
    <div className="mt-2 space-y-1 text-xs text-slate-500 dark:text-slate-400">
      <p>Set here; the agent's own {hasAgentLabels ? "are:" : "are none."}</p>
      <LabelChips labels={host.agentLabels} label="The agent's labels" />
      {onUpdate && (
        <Button kind="secondary" disabled={busy} onClick={() => void reset()}>
          Use the agent's labels
        </Button>
      )}
      <FormError>{error}</FormError>
    </div>
  );
}
