import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type GetSystemStatsResponse,
  GetSystemStatsResponseSchema,
  type ProcessStats,
  ProcessStatsSchema,
  type QueueDepth,
  type RpcStats,
} from "../../../gen/pulsar/v1/system_pb.js";
import type { ReadingPair } from "./history.js";
import {
  type BucketCounts,
  bucketDeltas,
  gaugeValue,
  histogramQuantile,
  sampleDeltas,
} from "./maths.js";
import type { PublishedRegistry } from "./published.js";

/** Outcomes in the order the page lists them; others (none today) follow by name. */
const OUTCOME_ORDER = ["up", "down", "skipped", "dropped"];
/** Outcomes of a check that ran to the end: what checks_per_second counts. */
const COMPLETED = new Set(["up", "down"]);
/** At most this many methods are listed (the API's routes are a closed set of fewer). */
const MAX_RPCS = 200;

/** One group: the whole histogram. */
const all = () => "";

/**
 * computeSystemStats turns each process's newest reading and baseline into the System page's
 * figures: counters as rates over each process's own span (summed over processes), histograms
 * as quantiles of the observations within it, gauges from the newest readings (the queue depth
 * from the newest worker alone: every worker counts the same shared queues).
 */
export function computeSystemStats(
  pairs: readonly ReadingPair[],
  observedAtMs: number,
): GetSystemStatsResponse {
  let windowSeconds = 0;
  const outcomes = new Map<string, number>();
  const lateness = new Map<string, BucketCounts>();
  const rpcRates = new Map<string, { perSecond: number; errorsPerSecond: number }>();
  const rpcBuckets = new Map<string, BucketCounts>();
  const processes: ProcessStats[] = [];
  let streamClients = 0;
  let workers = 0;
  let apiProcesses = 0;
  let queueSource: PublishedRegistry | undefined;

  for (const { newest, baseline } of pairs) {
    if (newest.kind === "worker") {
      workers++;
      if (
        (newest.samples.pulsar_queue_depth?.length ?? 0) > 0 &&
        newest.at > (queueSource?.at ?? 0)
      )
        queueSource = newest;
    } else {
      apiProcesses++;
      streamClients += gaugeValue(newest, "pulsar_stream_clients") ?? 0;
    }
    const span = baseline ? (newest.at - baseline.at) / 1000 : 0;
    windowSeconds = Math.max(windowSeconds, span);
    let cpuPercent = 0;
    if (baseline && span > 0) {
      const perOutcome = sampleDeltas("pulsar_checks_total", newest, baseline, (l) => l.outcome);
      for (const [outcome, delta] of perOutcome)
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + delta / span);
      bucketDeltas("pulsar_check_scheduling_lateness_seconds", newest, baseline, all, lateness);
      const perCall = sampleDeltas("pulsar_rpc_requests_total", newest, baseline, (l) =>
        l.method === undefined ? undefined : JSON.stringify([l.method, l.code === "ok"]),
      );
      for (const [key, delta] of perCall) {
        const [method, ok] = JSON.parse(key) as [string, boolean];
        const rates = rpcRates.get(method) ?? { perSecond: 0, errorsPerSecond: 0 };
        rates.perSecond += delta / span;
        if (!ok) rates.errorsPerSecond += delta / span;
        rpcRates.set(method, rates);
      }
      bucketDeltas("pulsar_rpc_duration_seconds", newest, baseline, (l) => l.method, rpcBuckets);
      const cpu = sampleDeltas("pulsar_process_cpu_seconds_total", newest, baseline, () => "");
      cpuPercent = ((cpu.get("") ?? 0) / span) * 100;
    }
    processes.push(
      create(ProcessStatsSchema, {
        kind: newest.kind,
        id: newest.id,
        publishedAt: timestampFromMs(newest.at),
        cpuPercent,
        residentBytes: gaugeValue(newest, "pulsar_process_resident_memory_bytes") ?? 0,
        eventLoopLagP99Ms:
          (gaugeValue(newest, "pulsar_nodejs_eventloop_lag_p99_seconds") ?? 0) * 1000,
      }),
    );
  }

  const rank = (outcome: string) => {
    const i = OUTCOME_ORDER.indexOf(outcome);
    return i < 0 ? OUTCOME_ORDER.length : i;
  };
  const checkOutcomes = [...outcomes]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([label, perSecond]) => ({ label, perSecond }));
  const rpcs: Omit<RpcStats, "$typeName">[] = [...rpcRates]
    .map(([method, rates]) => {
      const buckets = rpcBuckets.get(method) ?? new Map<number, number>();
      return {
        method,
        ...rates,
        p50Ms: histogramQuantile(0.5, buckets) * 1000,
        p99Ms: histogramQuantile(0.99, buckets) * 1000,
      };
    })
    .sort((a, b) => b.perSecond - a.perSecond || a.method.localeCompare(b.method))
    .slice(0, MAX_RPCS);
  const queues: Omit<QueueDepth, "$typeName">[] = (queueSource?.samples.pulsar_queue_depth ?? [])
    .map(([labels, jobs]) => ({ queue: labels.queue ?? "", state: labels.state ?? "", jobs }))
    .sort((a, b) => a.queue.localeCompare(b.queue) || a.state.localeCompare(b.state));
  processes.sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));

  return create(GetSystemStatsResponseSchema, {
    observedAt: timestampFromMs(observedAtMs),
    windowSeconds,
    checksPerSecond: checkOutcomes
      .filter((o) => COMPLETED.has(o.label))
      .reduce((sum, o) => sum + o.perSecond, 0),
    checkOutcomes,
    latenessP50Ms: histogramQuantile(0.5, lateness.get("") ?? new Map()) * 1000,
    latenessP99Ms: histogramQuantile(0.99, lateness.get("") ?? new Map()) * 1000,
    queues,
    rpcs,
    streamClients,
    workers,
    apiProcesses,
    processes,
  });
}
