import { type FormEvent, useState } from "react";
import {
  type Channel,
  type ComparisonOp,
  HostMetric,
  type HostRuleSpec,
} from "../../../../gen/pulsar/v1/alert_pb";
import type { Host } from "../../../../gen/pulsar/v1/host_pb";
import type { ApiProblem } from "../../api/errors";
import { problemOf } from "../../api/errors";
import { Button, Field, FormError } from "../../components/form";
import { SelectField } from "../../components/select-field";
import { ChannelCheckboxes } from "./channel-checkboxes";
import { METRICS, OPS } from "./describe";
import { hostChoices, LABELLED_HOSTS } from "./host-choices";
import {
  NEW_RULE,
  type RuleErrors,
  type RuleFormValues,
  ruleFieldOf,
  ruleSpecOf,
} from "./rule-values";

/** RuleFormProps are the hosts and channels to choose from, and what adding a rule does. */
export interface RuleFormProps {
  hosts: readonly Host[];
  /** Why the hosts could not be listed; the rule can still watch every host. */
  hostsProblem?: ApiProblem;
  channels: readonly Channel[];
  onCreate: (spec: HostRuleSpec) => Promise<void>;
}

const METRIC_CHOICES = METRICS.map((m) => ({ value: String(m.value), label: m.label }));
const OP_CHOICES = OPS.map((o) => ({ value: String(o.value), label: o.label }));

/**
 * RuleForm adds a host rule: which host (or all, or those with some labels), which metric (and mount, for the disk), the
 * condition, for how long it must hold, and the channels that hear of it. The server's error
 * shows beside the field it names, others below the form.
 */
export function RuleForm({ hosts, hostsProblem, channels, onCreate }: RuleFormProps) {
  const [values, setValues] = useState<RuleFormValues>(NEW_RULE);
  const [errors, setErrors] = useState<RuleErrors>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const change = <K extends keyof RuleFormValues>(field: K, value: RuleFormValues[K]) => {
    setValues((held) => ({ ...held, [field]: value }));
    setErrors((held) => (field in held ? { ...held, [field]: undefined } : held));
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setFormError(undefined);
    const built = ruleSpecOf(values);
    if ("errors" in built) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await onCreate(built.spec);
      setValues(NEW_RULE);
    } catch (error) {
      const problem = problemOf(error);
      const field = ruleFieldOf(problem.field);
      if (field) setErrors({ [field]: problem.message });
      else setFormError(problem.message);
    } finally {
      setBusy(false);
    }
  };

  const isDisk = values.metric === HostMetric.DISK_PERCENT;
  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label="Add a rule"
      className="space-y-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h3 className="font-medium">Add a rule</h3>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Name"
          hint="e.g. “CPU hot”."
          maxLength={100}
          required
          value={values.name}
          onChange={(e) => change("name", e.target.value)}
          error={errors.name}
        />
        <SelectField
          label="Host"
          options={hostChoices(hosts)}
          value={values.hostId}
          onChange={(e) => change("hostId", e.target.value)}
          hint={
            hostsProblem
              ? `Could not list the hosts: ${hostsProblem.message}`
              : "All hosts, and hosts with labels, include those that start reporting later."
          }
          error={errors.hostId}
        />
        {values.hostId === LABELLED_HOSTS.value && (
          <Field
            label="Labels"
            placeholder="env=prod"
            hint="Every host whose labels match, as they change: env=prod,role!=db."
            maxLength={1000}
            spellCheck={false}
            value={values.hostSelector}
            onChange={(e) => change("hostSelector", e.target.value)}
            error={errors.hostSelector}
          />
        )}
        <SelectField
          label="Metric"
          options={METRIC_CHOICES}
          value={String(values.metric)}
          onChange={(e) => change("metric", Number(e.target.value) as HostMetric)}
          error={errors.metric}
        />
        {isDisk && (
          <Field
            label="Mount"
            placeholder="/var"
            hint="Empty watches the fullest mount."
            value={values.mount}
            onChange={(e) => change("mount", e.target.value)}
            error={errors.mount}
          />
        )}
        <SelectField
          label="Condition"
          options={OP_CHOICES}
          value={String(values.op)}
          onChange={(e) => change("op", Number(e.target.value) as ComparisonOp)}
          error={errors.op}
        />
        <Field
          label="Threshold"
          inputMode="decimal"
          hint={values.metric === HostMetric.LOAD1 ? "Load average." : "Percent, 0 to 100."}
          value={values.threshold}
          onChange={(e) => change("threshold", e.target.value)}
          error={errors.threshold}
        />
        <Field
          label="For (seconds)"
          inputMode="numeric"
          hint="How long the condition must hold before the rule fires: 0 to 86400."
          value={values.forSeconds}
          onChange={(e) => change("forSeconds", e.target.value)}
          error={errors.forSeconds}
        />
      </div>
      {channels.length > 0 ? (
        <ChannelCheckboxes
          legend="Channels"
          channels={channels}
          selected={values.channelIds}
          onChange={(ids) => change("channelIds", ids)}
          hint="At least one."
          error={errors.channelIds}
        />
      ) : (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          A rule alerts through channels:{" "}
          <a href="#channels" className="text-indigo-700 hover:underline dark:text-indigo-400">
            add a channel
          </a>{" "}
          first.
        </p>
      )}
      {errors.channelIds && channels.length === 0 && <FormError>{errors.channelIds}</FormError>}
      <FormError>{formError}</FormError>
      <Button type="submit" disabled={busy} aria-busy={busy || undefined}>
        {busy ? "Adding…" : "Add rule"}
      </Button>
    </form>
  );
}
