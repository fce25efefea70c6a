import type { TimeRangeOption } from "../../components/time-range-picker";

/** HostRange is what the host charts show: the live stream, or a window of history. */
export type HostRange = "live" | "1h" | "24h" | "7d";

/** HistoryRange is a HostRange read from GetHostHistory. */
export type HistoryRange = Exclude<HostRange, "live">;

/** HOST_RANGES are the range picker's choices, Live first (the default). */
export const HOST_RANGES: readonly TimeRangeOption<HostRange>[] = [
  { value: "live", label: "Live" },
  { value: "1h", label: "1 h" },
  { value: "24h", label: "24 h" },
  { value: "7d", label: "7 d" },
];

/** RANGE_MS is the length of each history window. */
export const RANGE_MS: Record<HistoryRange, number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
};
