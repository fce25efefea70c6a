import type { HostSample } from "../../../gen/pulsar/v1/host_pb.js";
import { formatDuration } from "../../../shared/duration.js";
import type { ComparisonOpName, HostMetricName } from "../alert-rows.js";

// The pure part of host rules: what a sample says about a metric, whether a condition holds,
// and how a rule's state moves over a host's samples. No I/O, so it is tested by value.

/** RuleCondition is `metric op threshold`, held for forSeconds. */
export interface RuleCondition {
  metric: HostMetricName;
  mount: string;
  op: ComparisonOpName;
  threshold: number;
  forSeconds: number;
}

/** Point is a metric's value at a sample's time. */
export interface Point {
  atMs: number;
  value: number;
}

/** StepState is a rule's state on one host. */
export interface StepState {
  holdingSinceMs: number | undefined;
  firing: boolean;
}

/** Transition is the rule firing or resolving at a sample. */
export interface Transition {
  kind: "host_firing" | "host_resolved";
  atMs: number;
  value: number;
}

/**
 * metricValue reads a metric from a sample; undefined when the sample does not carry it (no
 * memory total, no such mount, no filesystems yet): such a sample neither holds nor clears a
 * condition. disk_percent without a mount is the fullest filesystem's use.
 */
export function metricValue(
  sample: HostSample,
  metric: HostMetricName,
  mount: string,
): number | undefined {
  switch (metric) {
    case "cpu_percent":
      return sample.cpu?.totalPercent;
    case "load1":
      return sample.cpu?.load1;
    case "memory_percent": {
      const memory = sample.memory;
      if (!memory || memory.totalBytes <= 0) return undefined;
      return (memory.usedBytes / memory.totalBytes) * 100;
    }
    case "disk_percent": {
      let value: number | undefined;
      for (const disk of sample.disks) {
        if (disk.sizeBytes <= 0 || (mount !== "" && disk.mount !== mount)) continue;
        value = Math.max(value ?? 0, (disk.usedBytes / disk.sizeBytes) * 100);
      }
      return value;
    }
  }
}

/** holds says whether `value op threshold`. */
export function holds(op: ComparisonOpName, value: number, threshold: number): boolean {
  switch (op) {
    case "gt":
      return value > threshold;
    case "gte":
      return value >= threshold;
    case "lt":
      return value < threshold;
    case "lte":
      return value <= threshold;
  }
}

/**
 * stepRule runs a rule's state over a host's points, oldest first. The condition holding starts
 * (or keeps) holdingSince; once it has held forSeconds the rule fires, once. A point where it
 * no longer holds clears holdingSince and resolves a firing rule. A point older than the time
 * the condition began to hold is stale (a late batch) and ignored.
 */
export function stepRule(
  start: StepState,
  condition: Pick<RuleCondition, "op" | "threshold" | "forSeconds">,
  points: readonly Point[],
): { state: StepState; transitions: Transition[] } {
  const state = { ...start };
  const transitions: Transition[] = [];
  for (const { atMs, value } of points) {
    if (state.holdingSinceMs !== undefined && atMs < state.holdingSinceMs) continue;
    if (holds(condition.op, value, condition.threshold)) {
      state.holdingSinceMs ??= atMs;
      if (!state.firing && atMs - state.holdingSinceMs >= condition.forSeconds * 1000) {
        state.firing = true;
        transitions.push({ kind: "host_firing", atMs, value });
      }
    } else {
      state.holdingSinceMs = undefined;
      if (state.firing) {
        state.firing = false;
        transitions.push({ kind: "host_resolved", atMs, value });
      }
    }
  }
  return { state, transitions };
}

const METRIC_LABELS: Record<HostMetricName, string> = {
  cpu_percent: "CPU",
  memory_percent: "Memory",
  disk_percent: "Disk",
  load1: "Load (1 min)",
};

const OP_WORDS: Record<ComparisonOpName, string> = {
  gt: "above",
  gte: "at or above",
  lt: "below",
  lte: "at or below",
};

/** metricLabel names a rule's metric in words: "CPU", "Disk /var", "Fullest disk". */
export function metricLabel(metric: HostMetricName, mount: string): string {
  if (metric === "disk_percent") return mount === "" ? "Fullest disk" : `Disk ${mount}`;
  return METRIC_LABELS[metric];
}

/** formatValue prints a metric's value with its unit: "91.5 %", "90 %", "3.2". */
export function formatValue(metric: HostMetricName, value: number): string {
  return metric === "load1" ? `${Number(value.toFixed(2))}` : `${Number(value.toFixed(1))} %`;
}

/** describeTransition words a host event: its one-line title and its message. */
export function describeTransition(
  rule: RuleCondition & { name: string },
  hostLabel: string,
  transition: Transition,
): { title: string; message: string } {
  const label = metricLabel(rule.metric, rule.mount);
  const condition = `${OP_WORDS[rule.op]} ${formatValue(rule.metric, rule.threshold)}`;
  const value = formatValue(rule.metric, transition.value);
  if (transition.kind === "host_firing") {
    const held = rule.forSeconds > 0 ? ` for ${formatDuration(rule.forSeconds)}` : "";
    return {
      title: `${hostLabel}: ${label} ${condition}`,
      message: `Rule "${rule.name}": ${label} is ${value}, ${condition}${held}.`,
    };
  }
  return {
    title: `${hostLabel}: ${label} back to normal`,
    message: `Rule "${rule.name}" resolved: ${label} is ${value} (alerts when ${condition}).`,
  };
}

/**
 * describeUnmatched words a firing rule resolved because its host's labels no longer match the
 * rule's label selector (edited in the dashboard, or the agent's AGENT_LABELS changed).
 */
export function describeUnmatched(
  rule: RuleCondition & { name: string },
  hostLabel: string,
): { title: string; message: string } {
  const label = metricLabel(rule.metric, rule.mount);
  return {
    title: `${hostLabel}: ${label} resolved, host no longer matches the rule`,
    message: `Rule "${rule.name}" resolved: the host's labels no longer match the rule's host selector, so it no longer watches this host.`,
  };
}

/**
 * describeSilence words a firing rule resolved because its host stopped reporting:
 * silentSeconds is how long it has sent nothing (undefined when the host is gone altogether).
 */
export function describeSilence(
  rule: RuleCondition & { name: string },
  hostLabel: string,
  silentSeconds: number | undefined,
): { title: string; message: string } {
  const label = metricLabel(rule.metric, rule.mount);
  const condition = `${OP_WORDS[rule.op]} ${formatValue(rule.metric, rule.threshold)}`;
  const silence =
    silentSeconds === undefined ? "" : ` (no sample for ${formatDuration(silentSeconds)})`;
  return {
    title: `${hostLabel}: ${label} resolved, host stopped reporting`,
    message: `Rule "${rule.name}" resolved: the host stopped reporting${silence}, so ${label} is no longer known (alerts when ${condition}).`,
  };
}
