import type { Timestamp } from "@bufbuild/protobuf/wkt";

/** ms formats a duration in milliseconds for people: 0.4 ms, 38 ms, 1.25 s. */
export function ms(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 10) return `${Math.round(value)} ms`;
  return `${value.toFixed(1)} ms`;
}

/** percent formats a 0–1 ratio: 99.95 %. */
export function percent(ratio: number, digits = 2): string {
  return `${(ratio * 100).toFixed(digits)} %`;
}

/** bytes formats a byte count: 1.5 GiB. */
export function bytes(value: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = value;
  let unit = 0;
  while (v >= 1024 && unit < units.length - 1) {
    v /= 1024;
    unit++;
  }
  return `${v >= 100 || unit === 0 ? Math.round(v) : v.toFixed(1)} ${units[unit]}`;
}

/** timestampMs reads a protobuf Timestamp as milliseconds since the epoch (0 when absent). */
export function timestampMs(t: Timestamp | undefined): number {
  return t ? Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6) : 0;
}

/** ago says how long ago a time was: "just now", "42 s ago", "5 min ago", "3 h ago". */
export function ago(atMs: number, nowMs = Date.now()): string {
  if (!atMs) return "never";
  const s = Math.max(0, Math.round((nowMs - atMs) / 1000));
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** shortTime is a time in a list: "14:03:22" today, "Nov 3, 14:03" on another day. */
export function shortTime(atMs: number, nowMs = Date.now()): string {
  const at = new Date(atMs);
  if (at.toDateString() === new Date(nowMs).toDateString()) {
    return at.toLocaleTimeString(undefined, {
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  }
  return at.toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** bytesPerSecond formats a throughput: 1.5 MiB/s. */
export function bytesPerSecond(value: number): string {
  return `${bytes(value)}/s`;
}

/** count formats a whole number with thousands separators: 12,345. */
export function count(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** opsPerSecond formats a rate of operations: 0.5/s, 12/s. */
export function opsPerSecond(value: number): string {
  return `${value.toFixed(value >= 10 ? 0 : 1)}/s`;
}
