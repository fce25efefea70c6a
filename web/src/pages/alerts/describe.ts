import {
  AlertKind,
  ComparisonOp,
  DeliveryStatus,
  HostMetric,
} from "../../../../gen/pulsar/v1/alert_pb";

// The server's one wording of a duration (shared/ is what the server and the dashboard both
// import), so a page and the alert it shows say the same "1 d 1 h".
export { formatDuration as duration } from "../../../../shared/duration";

/** KindTone is how an alert kind is coloured: bad news, good news, a nudge, or neutral. */
export type KindTone = "bad" | "good" | "warn" | "neutral";

/** ALERT_KIND says each kind of alert in a word, with its tone. */
export const ALERT_KIND: Record<AlertKind, { label: string; tone: KindTone }> = {
  [AlertKind.UNSPECIFIED]: { label: "Alert", tone: "neutral" },
  [AlertKind.MONITOR_DOWN]: { label: "Down", tone: "bad" },
  [AlertKind.MONITOR_RECOVERED]: { label: "Recovered", tone: "good" },
  [AlertKind.MONITOR_REMINDER]: { label: "Still down", tone: "warn" },
  [AlertKind.HOST_FIRING]: { label: "Firing", tone: "bad" },
  [AlertKind.HOST_RESOLVED]: { label: "Resolved", tone: "good" },
  [AlertKind.TEST]: { label: "Test", tone: "neutral" },
  [AlertKind.TLS_EXPIRY]: { label: "Certificate", tone: "warn" },
};

/** DELIVERY_STATUS says how a delivery went, in a word. */
export const DELIVERY_STATUS: Record<DeliveryStatus, string> = {
  [DeliveryStatus.UNSPECIFIED]: "Pending",
  [DeliveryStatus.PENDING]: "Pending",
  [DeliveryStatus.DELIVERED]: "Delivered",
  [DeliveryStatus.FAILED]: "Failed",
};

/** METRICS are the host metrics a rule can watch, as the form names them. */
export const METRICS: readonly { value: HostMetric; label: string; unit: string }[] = [
  { value: HostMetric.CPU_PERCENT, label: "CPU %", unit: "%" },
  { value: HostMetric.MEMORY_PERCENT, label: "Memory %", unit: "%" },
  { value: HostMetric.DISK_PERCENT, label: "Disk %", unit: "%" },
  { value: HostMetric.LOAD1, label: "Load (1 min)", unit: "" },
];

/**
 * OPS are the comparisons a rule can make: the sign, and words for the option list (a screen
 * reader does not always say "≥").
 */
export const OPS: readonly { value: ComparisonOp; sign: string; label: string }[] = [
  { value: ComparisonOp.GT, sign: ">", label: "> (above)" },
  { value: ComparisonOp.GTE, sign: "≥", label: "≥ (at or above)" },
  { value: ComparisonOp.LT, sign: "<", label: "< (below)" },
  { value: ComparisonOp.LTE, sign: "≤", label: "≤ (at or below)" },
];
