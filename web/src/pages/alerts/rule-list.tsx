import type { Channel, HostRule } from "../../../../gen/pulsar/v1/alert_pb";
import { Button } from "../../components/form";
import type { Choice } from "../../components/select-field";
import { ruleHosts } from "./host-choices";
import { describeRule } from "./rule-values";

/** RuleListProps are the rules, the names to show for ids, and what Delete starts. */
export interface RuleListProps {
  rules: readonly HostRule[];
  hosts: readonly Choice[];
  channels: readonly Channel[];
  onDelete: (rule: HostRule) => void;
}

/** RuleList lists the host rules: name, condition, host and channels, and Delete. */
export function RuleList({ rules, hosts, channels, onDelete }: RuleListProps) {
  const channelName = (id: string) => channels.find((c) => c.id === id)?.name ?? "removed";
  return (
    <ul
      aria-label="Rules"
      className="divide-y divide-slate-100 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800"
    >
      {rules.map((rule) => {
        const spec = rule.spec;
        const name = spec?.name ?? "";
        return (
          <li key={rule.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 p-3">
            <div className="w-full min-w-0 sm:w-auto sm:flex-1">
              <p className="font-medium break-words">{name}</p>
              <p className="text-sm">{describeRule(rule)}</p>
              <p className="text-xs text-slate-500 dark:text-slate-400">
                Hosts: {ruleHosts(spec, hosts)} · Channels:{" "}
                {spec?.channelIds.map(channelName).join(", ") || "none"}
              </p>
            </div>
            <Button kind="secondary" aria-label={`Delete ${name}`} onClick={() => onDelete(rule)}>
              Delete
            </Button>
          </li>
        );
      })}
    </ul>
  );
}
