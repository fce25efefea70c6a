import { describe, expect, it } from "vitest";
import { createReadingHistory } from "./history.js";
import type { ProcessKind, PublishedRegistry, Sample } from "./published.js";
import { computeSystemStats } from "./stats.js";

const LE = ["0.005", "0.01", "0.1", "+Inf"] as const;

/** A hand-made reading, as a worker or an API process publishes one. */
function reading(
  kind: ProcessKind,
  id: string,
  at: number,
  figures: {
    up?: number;
    down?: number;
    lateness?: [number, number, number, number];
    cpuSeconds?: number;
    queue?: number;
    rpcs?: { method: string; code: string; count: number }[];
    rpcBuckets?: { method: string; counts: [number, number, number, number] }[];
    streamClients?: number;
  },
): PublishedRegistry {
  const samples: Record<string, Sample[]> = {
    pulsar_process_cpu_seconds_total: [[{}, figures.cpuSeconds ?? 0]],
    pulsar_process_resident_memory_bytes: [[{}, 100 * 2 ** 20]],
    pulsar_nodejs_eventloop_lag_p99_seconds: [[{}, 0.012]],
  };
  if (kind === "worker") {
    samples.pulsar_checks_total = [
      [{ outcome: "up", error_kind: "none" }, figures.up ?? 0],
      [{ outcome: "down", error_kind: "timeout" }, figures.down ?? 0],
      [{ outcome: "skipped", error_kind: "none" }, 0],
    ];
    samples.pulsar_check_scheduling_lateness_seconds_bucket = LE.map((le, i) => [
      { le },
      figures.lateness?.[i] ?? 0,
    ]);
    if (figures.queue !== undefined) {
      samples.pulsar_queue_depth = [
        [{ queue: "checks", state: "waiting" }, figures.queue],
        [{ queue: "checks", state: "active" }, 1],
      ];
    }
  } else {
    samples.pulsar_stream_clients = [[{}, figures.streamClients ?? 0]];
    samples.pulsar_rpc_requests_total = (figures.rpcs ?? []).map(({ method, code, count }) => [
      { method, code },
      count,
    ]);
    samples.pulsar_rpc_duration_seconds_bucket = (figures.rpcBuckets ?? []).flatMap(
      ({ method, counts }) => LE.map((le, i): Sample => [{ method, le }, counts[i] ?? 0]),
    );
  }
  return { v: 1, kind, id, at, samples };
}

const T0 = 1_800_000_000_000;

describe("computeSystemStats", () => {
  it("sums the workers' check rates, each over its own span, and counts outcomes apart", () => {
    const history = createReadingHistory();
    history.record([
      reading("worker", "a:1", T0, { up: 100, down: 10 }),
      reading("worker", "b:2", T0 + 2000, { up: 50 }),
    ]);
    history.record([
      // 60 up and 10 down in 10 s: 6/s and 1/s.
      reading("worker", "a:1", T0 + 10_000, { up: 160, down: 20 }),
      // 40 up in 20 s: 2/s.
      reading("worker", "b:2", T0 + 22_000, { up: 90 }),
    ]);
    const stats = computeSystemStats(history.pairs(60), T0 + 23_000);
    expect(stats.checksPerSecond).toBeCloseTo(9);
    expect(stats.checkOutcomes.map((o) => [o.label, o.perSecond])).toEqual([
      ["up", 8],
      ["down", 1],
      ["skipped", 0],
    ]);
    expect(stats.windowSeconds).toBe(20);
    expect(stats.workers).toBe(2);
    expect(stats.apiProcesses).toBe(0);
  });

  it("counts a worker that published once but gives it no rates yet", () => {
    const history = createReadingHistory();
    history.record([reading("worker", "a:1", T0, { up: 100, cpuSeconds: 3 })]);
    const stats = computeSystemStats(history.pairs(60), T0);
    expect(stats.workers).toBe(1);
    expect(stats.checksPerSecond).toBe(0);
    expect(stats.windowSeconds).toBe(0);
    expect(stats.processes[0]?.cpuPercent).toBe(0);
    expect(stats.processes[0]?.residentBytes).toBe(100 * 2 ** 20);
  });

  it("takes a restarted worker's counters as new from zero", () => {
    const history = createReadingHistory();
    history.record([reading("worker", "a:1", T0, { up: 1000 })]);
    history.record([reading("worker", "a:1", T0 + 10_000, { up: 20 })]);
    expect(computeSystemStats(history.pairs(60), T0 + 10_000).checksPerSecond).toBeCloseTo(2);
  });

  it("computes lateness quantiles from the observations within the window only", () => {
    const history = createReadingHistory();
    // Before the window: a thousand very late checks that must not count.
    history.record([reading("worker", "a:1", T0, { lateness: [0, 0, 0, 1000] })]);
    history.record([
      reading("worker", "a:1", T0 + 100_000, { up: 100, lateness: [0, 0, 0, 1000] }),
    ]);
    history.record([
      // 100 checks within the window: 50 under 5 ms, 50 in (5 ms, 10 ms].
      reading("worker", "a:1", T0 + 110_000, { up: 200, lateness: [50, 100, 100, 1100] }),
    ]);
    const stats = computeSystemStats(history.pairs(10), T0 + 110_000);
    expect(stats.windowSeconds).toBe(10);
    expect(stats.checksPerSecond).toBeCloseTo(10);
    expect(stats.latenessP50Ms).toBeCloseTo(5);
    expect(stats.latenessP99Ms).toBeCloseTo(9.9);
  });

  it("reports the queue depth of the newest worker instead of adding up equal counts", () => {
    const history = createReadingHistory();
    history.record([
      reading("worker", "a:1", T0, { queue: 7 }),
      reading("worker", "b:2", T0 + 3000, { queue: 9 }),
    ]);
    const stats = computeSystemStats(history.pairs(60), T0 + 3000);
    expect(stats.queues.map((q) => [q.queue, q.state, q.jobs])).toEqual([
      ["checks", "active", 1],
      ["checks", "waiting", 9],
    ]);
  });

  it("gives RPC rates, error rates and latency quantiles per method, busiest first", () => {
    const history = createReadingHistory();
    const list = "pulsar.v1.MonitorService/ListMonitors";
    const create = "pulsar.v1.MonitorService/CreateMonitor";
    history.record([
      reading("api", "web:1", T0, {
        rpcs: [{ method: list, code: "ok", count: 10 }],
        rpcBuckets: [{ method: list, counts: [10, 10, 10, 10] }],
        streamClients: 3,
      }),
      reading("api", "web:2", T0, { streamClients: 2 }),
    ]);
    history.record([
      reading("api", "web:1", T0 + 10_000, {
        rpcs: [
          { method: list, code: "ok", count: 110 },
          { method: create, code: "ok", count: 5 },
          { method: create, code: "invalid_argument", count: 5 },
        ],
        rpcBuckets: [
          // 100 new ListMonitors: all in (10 ms, 100 ms].
          { method: list, counts: [10, 10, 110, 110] },
          { method: create, counts: [10, 10, 10, 10] },
        ],
        streamClients: 4,
      }),
      reading("api", "web:2", T0 + 10_000, { streamClients: 1 }),
    ]);
    const stats = computeSystemStats(history.pairs(60), T0 + 10_000);
    expect(stats.rpcs.map((r) => [r.method, r.perSecond, r.errorsPerSecond])).toEqual([
      [list, 10, 0],
      [create, 1, 0.5],
    ]);
    expect(stats.rpcs[0]?.p50Ms).toBeCloseTo(55);
    expect(stats.rpcs[1]?.p99Ms).toBeCloseTo(4.95);
    expect(stats.streamClients).toBe(5);
    expect(stats.apiProcesses).toBe(2);
  });

  it("gives each process its CPU over the window, memory and event-loop lag", () => {
    const history = createReadingHistory();
    history.record([reading("api", "web:1", T0, { cpuSeconds: 10 })]);
    history.record([reading("api", "web:1", T0 + 20_000, { cpuSeconds: 15 })]);
    const [process] = computeSystemStats(history.pairs(60), T0 + 20_000).processes;
    expect(process).toMatchObject({
      kind: "api",
      id: "web:1",
      cpuPercent: 25,
      residentBytes: 100 * 2 ** 20,
      eventLoopLagP99Ms: 12,
    });
  });
});

describe("createReadingHistory", () => {
  it("forgets a process that stopped publishing", () => {
    const history = createReadingHistory();
    history.record([reading("worker", "a:1", T0, {}), reading("worker", "b:2", T0, {})]);
    history.record([reading("worker", "a:1", T0 + 5000, {})]);
    expect(history.pairs(60).map((p) => p.newest.id)).toEqual(["a:1"]);
  });

  it("keeps an hour of readings, coarser with age, and bounded", () => {
    const history = createReadingHistory();
    // Two hours of readings every 5 s.
    for (let t = 0; t <= 7200_000; t += 5000) {
      history.record([reading("worker", "a:1", T0 + t, { up: t / 1000 })]);
    }
    const [hour] = history.pairs(3600);
    const newest = T0 + 7200_000;
    expect(hour?.newest.at).toBe(newest);
    // Within a minute of an hour before.
    expect(newest - (hour?.baseline?.at ?? 0)).toBeGreaterThan(3540_000);
    expect(newest - (hour?.baseline?.at ?? 0)).toBeLessThanOrEqual(3600_000);
    // A minute's window from the fine readings: exactly 60 s back.
    expect(newest - (history.pairs(60)[0]?.baseline?.at ?? 0)).toBe(60_000);
    expect(computeSystemStats(history.pairs(3600), newest).checksPerSecond).toBeCloseTo(1);
  });

  it("ignores a reading it already has", () => {
    const history = createReadingHistory();
    const same = reading("worker", "a:1", T0, {});
    history.record([same]);
    history.record([same]);
    expect(history.pairs(60)[0]?.baseline).toBeUndefined();
  });
});
