import type { Channel, HostRule } from "../../../../gen/pulsar/v1/alert_pb";
import type { Host } from "../../../../gen/pulsar/v1/host_pb";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { FormError } from "../../components/form";
import { Spinner } from "../../components/spinner";
import type { RequestState } from "../../lib/use-request";
import { hostChoices } from "./host-choices";
import { PageSection } from "./page-section";
import { RuleForm } from "./rule-form";
import { RuleList } from "./rule-list";
import { useDeletion } from "./use-deletion";
import type { RulesData } from "./use-rules";

/** RulesSectionProps are the rules, and the hosts and channels they refer to. */
export interface RulesSectionProps {
  rules: RulesData;
  hosts: RequestState<Host[]>;
  channels: readonly Channel[];
}

/**
 * RulesSection is the host rules: the list, the form to add one, and a confirmation before one
 * is deleted.
 */
export function RulesSection({ rules, hosts, channels }: RulesSectionProps) {
  const deletion = useDeletion<HostRule>(rules.remove);
  const hostList = hosts.data ?? [];
  return (
    <PageSection
      id="rules"
      title="Rules"
      intro="Alert when a host runs hot: a metric past a threshold for a while. They resolve by themselves when it clears."
    >
      {rules.items ? (
        rules.items.length > 0 ? (
          <RuleList
            rules={rules.items}
            hosts={hostChoices(hostList)}
            channels={channels}
            onDelete={deletion.ask}
          />
        ) : (
          <p className="text-sm text-slate-500 dark:text-slate-400">No rules yet.</p>
        )
      ) : rules.problem ? (
        <FormError>Could not load the rules: {rules.problem.message}</FormError>
      ) : (
        <Spinner label="Loading rules…" />
      )}
      <RuleForm
        hosts={hostList}
        hostsProblem={hosts.problem}
        channels={channels}
        onCreate={rules.create}
      />
      <ConfirmDialog
        open={deletion.target !== undefined}
        title={`Delete “${deletion.target?.spec?.name ?? ""}”?`}
        confirmLabel="Delete rule"
        onConfirm={() => void deletion.confirm()}
        onCancel={deletion.cancel}
        busy={deletion.busy}
        error={deletion.error}
      >
        It stops watching its hosts at once. Its past alerts stay in the history.
      </ConfirmDialog>
    </PageSection>
  );
}
