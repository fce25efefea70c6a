/**
 * What a process publishes of its Prometheus registry for the System page, and where: the
 * format both sides of Redis agree on (registry-publisher.ts writes it, readings.ts reads it).
 */

/** ProcessKind is which of Pulsar's processes published a registry. */
export type ProcessKind = "api" | "worker";

/** Labels are one sample's label values, as prom-client reports them. */
export type Labels = Readonly<Record<string, string>>;

/** Sample is one value of a series: its labels and its value. */
export type Sample = readonly [Labels, number];

/**
 * PublishedRegistry is one process's reading: its kind and id ("web-1:4127"), when it read its
 * registry (ms since the epoch), and the samples of PUBLISHED_SERIES by sample name (a
 * histogram's `_bucket`, `_sum` and `_count` are names of their own, as in the text format).
 */
export interface PublishedRegistry {
  v: 1;
  kind: ProcessKind;
  id: string;
  at: number;
  samples: Record<string, Sample[]>;
}

/**
 * PUBLISHED_SERIES are the series the System page reads, the only ones published: the whole
 * registry is ten times larger (GC, heap spaces, check phases) and the page shows none of it.
 */
export const PUBLISHED_SERIES = [
  "pulsar_checks_total",
  "pulsar_check_scheduling_lateness_seconds",
  "pulsar_queue_depth",
  "pulsar_rpc_requests_total",
  "pulsar_rpc_duration_seconds",
  "pulsar_stream_clients",
  // prom-client brings its three CPU counters up to date in this one's collect(): it is read
  // first, or the total would stand still.
  "pulsar_process_cpu_user_seconds_total",
  "pulsar_process_cpu_seconds_total",
  "pulsar_process_resident_memory_bytes",
  "pulsar_nodejs_eventloop_lag_p99_seconds",
] as const;

/** PUBLISH_INTERVAL_MS is how often a process publishes by default. */
export const PUBLISH_INTERVAL_MS = 5000;

/**
 * PUBLISHED_TTL_SECONDS is how long a reading stays without a newer one: a process gone for
 * longer no longer counts (GetSystemStatsResponse.workers: "published within the last 30 s").
 */
export const PUBLISHED_TTL_SECONDS = 30;

/**
 * MAX_PUBLISHED_BYTES bounds one reading. An API's is about 40 KiB with every RPC called (the
 * methods are a closed set); a larger one is a bug, skipped and logged rather than stored.
 */
export const MAX_PUBLISHED_BYTES = 256 * 1024;

/** MAX_PROCESSES bounds how many processes' readings a reader takes, the newest first. */
export const MAX_PROCESSES = 256;

/** readingKey is the Redis key holding one process's latest reading. */
export function readingKey(prefix: string, kind: ProcessKind, id: string): string {
  return `${prefix}:metrics:${kind}:${id}`;
}

/**
 * processIndexKey is the sorted set of reading keys by publication time (ms): readers range
 * over it instead of SCANning a keyspace shared with BullMQ's many keys.
 */
export function processIndexKey(prefix: string): string {
  return `${prefix}:metrics:processes`;
}
