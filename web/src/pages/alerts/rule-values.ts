import { create } from "@bufbuild/protobuf";
import {
  ComparisonOp,
  HostMetric,
  type HostRule,
  type HostRuleSpec,
  HostRuleSpecSchema,
} from "../../../../gen/pulsar/v1/alert_pb";
import { METRICS, OPS } from "./describe";
import { fieldOfPath } from "./field-path";
import { LABELLED_HOSTS } from "./host-choices";

/** RuleFormValues are the rule form's fields as typed; numbers too, until submitted. */
export interface RuleFormValues {
  name: string;
  /** A host id, "" for every host, or LABELLED_HOSTS's value for those of hostSelector. */
  hostId: string;
  /** A label selector ("env=prod"), when the host choice is LABELLED_HOSTS. */
  hostSelector: string;
  metric: HostMetric;
  mount: string;
  op: ComparisonOp;
  threshold: string;
  forSeconds: string;
  channelIds: string[];
}

/** RuleFormField is a rule form field that can have an error beside it. */
export type RuleFormField = keyof RuleFormValues;

/** RuleErrors are the errors shown beside the rule form's fields. */
export type RuleErrors = Partial<Record<RuleFormField, string>>;

/** NEW_RULE is the empty rule form: CPU above 90 % for a minute, on every host. */
export const NEW_RULE: RuleFormValues = {
  name: "",
  hostId: "",
  hostSelector: "",
  metric: HostMetric.CPU_PERCENT,
  mount: "",
  op: ComparisonOp.GT,
  threshold: "90",
  forSeconds: "60",
  channelIds: [],
};

/**
 * ruleSpecOf turns the form into the HostRuleSpec to send, or the errors the form can tell by
 * itself (numbers it cannot read); the server checks the ranges and says so in its own words.
 */
export function ruleSpecOf(
  values: RuleFormValues,
): { spec: HostRuleSpec } | { errors: RuleErrors } {
  const errors: RuleErrors = {};
  const thresholdText = values.threshold.trim();
  const threshold = Number(thresholdText);
  if (thresholdText === "" || !Number.isFinite(threshold)) errors.threshold = "Enter a number";
  const forText = values.forSeconds.trim();
  if (!/^\d{1,9}$/.test(forText)) errors.forSeconds = "Enter a whole number of seconds";
  const byLabels = values.hostId === LABELLED_HOSTS.value;
  const selector = values.hostSelector.trim();
  if (byLabels && selector === "") errors.hostSelector = "Enter the labels, e.g. env=prod";
  if (Object.keys(errors).length > 0) return { errors };
  return {
    spec: create(HostRuleSpecSchema, {
      name: values.name.trim(),
      // A rule watches one host or the hosts of a selector, never both.
      hostId: byLabels ? "" : values.hostId,
      hostSelector: byLabels ? selector : "",
      metric: values.metric,
      // A mount means something only for the disk; another metric would be refused with it.
      mount: values.metric === HostMetric.DISK_PERCENT ? values.mount.trim() : "",
      op: values.op,
      threshold,
      forSeconds: Number(forText),
      channelIds: values.channelIds,
    }),
  };
}

const FIELD_OF_PATH = [
  ["rule.name", "name"],
  ["rule.hostId", "hostId"],
  ["rule.hostSelector", "hostSelector"],
  ["rule.metric", "metric"],
  ["rule.mount", "mount"],
  ["rule.op", "op"],
  ["rule.threshold", "threshold"],
  ["rule.forSeconds", "forSeconds"],
  ["rule.channelIds", "channelIds"],
] as const;

/** ruleFieldOf is the rule form field a server error names ("rule.threshold"). */
export function ruleFieldOf(path: string | undefined): RuleFormField | undefined {
  return fieldOfPath(path, FIELD_OF_PATH);
}

/**
 * describeRule says what a rule watches in one line: "CPU % > 90 for 60 s" (with the mount for
 * the disk: "Disk % on /var ≥ 85").
 */
export function describeRule(rule: HostRule): string {
  const spec = rule.spec;
  if (!spec) return "";
  const metric = METRICS.find((m) => m.value === spec.metric);
  const op = OPS.find((o) => o.value === spec.op)?.sign ?? "?";
  const what =
    spec.metric === HostMetric.DISK_PERCENT
      ? `Disk % on ${spec.mount || "the fullest mount"}`
      : (metric?.label ?? "Unknown metric");
  const unit = metric?.unit === "%" ? " %" : "";
  const held = spec.forSeconds > 0 ? ` for ${spec.forSeconds} s` : "";
  return `${what} ${op} ${spec.threshold}${unit}${held}`;
}
