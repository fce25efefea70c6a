import type { HostRuleSpec } from "../../../gen/pulsar/v1/alert_pb.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { HOST_ID_PATTERN } from "../../core/ids.js";
import { parseLabelSelector } from "../../hosts/labels/label-selector.js";
import type { NewRule } from "../alert-admin.js";
import { type HostMetricName, METRICS, nameOf, OPS } from "../alert-rows.js";
import { checkChannelIds } from "../channels/channel-ids.js";

const MAX_MOUNT = 1024;
/** MAX_LOAD bounds a load1 threshold: far above any real machine, below absurd. */
const MAX_LOAD = 100_000;
const PERCENT_METRICS: ReadonlySet<HostMetricName> = new Set([
  "cpu_percent",
  "memory_percent",
  "disk_percent",
]);

/**
 * resolveRuleSpec validates a host rule: name 1–100 characters; hostId empty (every host) or a
 * host id's syntax; hostSelector empty or a label selector (parseLabelSelector), not with
 * hostId; a metric and an operator; a threshold of 0–100 for percentages, ≥ 0 for
 * load; mount only for disk_percent, an absolute path; forSeconds 0–86400; at least one
 * channel id. Whether the host and channels are the organization's needs the database: the
 * service checks that. `field` prefixes the messages.
 */
export function resolveRuleSpec(spec: HostRuleSpec | undefined, field = "rule"): NewRule {
  if (!spec) throw new InvalidArgumentError(field, "is required");
  const name = spec.name.trim();
  if (name.length < 1 || name.length > 100) {
    throw new InvalidArgumentError(`${field}.name`, "must be 1–100 characters");
  }
  if (spec.hostId !== "" && !HOST_ID_PATTERN.test(spec.hostId)) {
    throw new InvalidArgumentError(
      `${field}.hostId`,
      "must be a host id (letters, digits, '.', '_', ':' or '-'), or empty for every host",
    );
  }
  const hostSelector = spec.hostSelector.trim();
  if (hostSelector !== "") {
    if (spec.hostId !== "") {
      throw new InvalidArgumentError(
        `${field}.hostSelector`,
        "cannot be set together with hostId: a rule watches one host or the hosts of a selector",
      );
    }
    parseLabelSelector(hostSelector, `${field}.hostSelector`);
  }
  const metric = nameOf(METRICS, spec.metric);
  if (!metric) {
    throw new InvalidArgumentError(
      `${field}.metric`,
      "is required: HOST_METRIC_CPU_PERCENT, _MEMORY_PERCENT, _DISK_PERCENT or _LOAD1",
    );
  }
  const op = nameOf(OPS, spec.op);
  if (!op) {
    throw new InvalidArgumentError(
      `${field}.op`,
      "is required: COMPARISON_OP_GT, _GTE, _LT or _LTE",
    );
  }
  const threshold = spec.threshold;
  const max = PERCENT_METRICS.has(metric) ? 100 : MAX_LOAD;
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > max) {
    throw new InvalidArgumentError(`${field}.threshold`, `must be between 0 and ${max}`);
  }
  const mount = spec.mount;
  if (mount !== "") {
    if (metric !== "disk_percent") {
      throw new InvalidArgumentError(`${field}.mount`, "is only for HOST_METRIC_DISK_PERCENT");
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    if (mount.length > MAX_MOUNT || /[\u0000-\u001f\u007f]/.test(mount)) {
      throw new InvalidArgumentError(`${field}.mount`, `must be at most ${MAX_MOUNT} characters`);
    }
    // "/" or "/var" on Unix, "C:" or "C:\" on Windows.
    if (!mount.startsWith("/") && !/^[A-Za-z]:\\?$/.test(mount)) {
      throw new InvalidArgumentError(`${field}.mount`, 'must be a mount point such as "/var"');
    }
  }
  const forSeconds = spec.forSeconds;
  if (!Number.isInteger(forSeconds) || forSeconds < 0 || forSeconds > 86_400) {
    throw new InvalidArgumentError(`${field}.forSeconds`, "must be between 0 and 86400");
  }
  const channelIds = checkChannelIds(`${field}.channelIds`, spec.channelIds);
  if (channelIds.length === 0) {
    throw new InvalidArgumentError(`${field}.channelIds`, "must name at least one channel");
  }
  return {
    name,
    hostId: spec.hostId,
    hostSelector,
    metric,
    mount,
    op,
    threshold,
    forSeconds,
    channelIds,
  };
}
