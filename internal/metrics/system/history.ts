import { labelKey } from "./maths.js";
import { type Labels, MAX_PROCESSES, type PublishedRegistry, type Sample } from "./published.js";

/** MAX_WINDOW_SECONDS is the longest window GetSystemStats answers for. */
export const MAX_WINDOW_SECONDS = 3600;

/**
 * Every reading of the last FINE_SPAN_MS is kept (short windows need them all); older ones one
 * per COARSE_STEP_MS, enough for an hour's window to within a minute (under 2 %).
 */
const FINE_SPAN_MS = 150_000;
const FINE_MAX = 64;
const COARSE_STEP_MS = 60_000;
const COARSE_MAX = MAX_WINDOW_SECONDS / (COARSE_STEP_MS / 1000) + 2;

/** ReadingPair is a process's newest reading and the one a window's rates start from. */
export interface ReadingPair {
  newest: PublishedRegistry;
  /** The oldest reading within the window; undefined until the process has published twice. */
  baseline: PublishedRegistry | undefined;
}

/** ReadingHistory keeps a bounded history of readings per process. */
export interface ReadingHistory {
  /**
   * record adds the processes' current readings (one per process, repeats ignored) and forgets
   * the processes that are no longer among them.
   */
  record(readings: readonly PublishedRegistry[]): void;
  /** pairs returns, per process, its newest reading and its baseline for a window. */
  pairs(windowSeconds: number): ReadingPair[];
}

interface Ring {
  fine: CompactReading[];
  coarse: CompactReading[];
}

/** Layout is the series of a reading in order: what a reading's values are the values of. */
interface Layout {
  names: string[];
  labels: Labels[];
  /** Every name and label set, to tell an unchanged layout. */
  key: string;
}

/**
 * CompactReading is a reading as kept: its values in a Float64Array over a layout that the
 * readings of one process share while their series stay the same (nearly always). An hour of
 * an API's readings (70 RPC series) takes 0.3 MiB so, instead of 10 MiB as parsed JSON.
 */
interface CompactReading {
  kind: PublishedRegistry["kind"];
  id: string;
  at: number;
  layout: Layout;
  values: Float64Array;
}

function compact(reading: PublishedRegistry, previous: Layout | undefined): CompactReading {
  const names: string[] = [];
  const labels: Labels[] = [];
  const values: number[] = [];
  const keys: string[] = [];
  for (const [name, list] of Object.entries(reading.samples)) {
    for (const [sampleLabels, value] of list) {
      names.push(name);
      labels.push(sampleLabels);
      values.push(value);
      keys.push(`${name} ${labelKey(sampleLabels)}`);
    }
  }
  const key = keys.join("\n");
  const layout = previous?.key === key ? previous : { names, labels, key };
  const { kind, id, at } = reading;
  return { kind, id, at, layout, values: Float64Array.from(values) };
}

function expand(reading: CompactReading): PublishedRegistry {
  const samples: Record<string, Sample[]> = {};
  const { names, labels } = reading.layout;
  reading.values.forEach((value, i) => {
    const name = names[i] ?? "";
    const list = samples[name] ?? [];
    list.push([labels[i] ?? {}, value]);
    samples[name] = list;
  });
  const { kind, id, at } = reading;
  return { v: 1, kind, id, at, samples };
}

/**
 * createReadingHistory keeps at most FINE_MAX + COARSE_MAX readings of each of at most
 * MAX_PROCESSES processes, in this API process's memory: every API process keeps its own (they
 * read the same Redis, so they agree), and a restarted one has its rates again after one
 * interval.
 */
export function createReadingHistory(): ReadingHistory {
  const rings = new Map<string, Ring>();
  const add = (ring: Ring, reading: PublishedRegistry) => {
    const last = ring.fine.at(-1);
    if (last && reading.at <= last.at) return;
    const kept = compact(reading, last?.layout);
    ring.fine.push(kept);
    while (
      ring.fine.length > FINE_MAX ||
      (ring.fine[0] && ring.fine[0].at < reading.at - FINE_SPAN_MS)
    ) {
      ring.fine.shift();
    }
    const lastCoarse = ring.coarse.at(-1);
    if (!lastCoarse || reading.at - lastCoarse.at >= COARSE_STEP_MS) ring.coarse.push(kept);
    if (ring.coarse.length > COARSE_MAX) ring.coarse.shift();
  };
  return {
    record(readings) {
      const present = new Set<string>();
      for (const reading of readings.slice(0, MAX_PROCESSES)) {
        const key = `${reading.kind}:${reading.id}`;
        present.add(key);
        let ring = rings.get(key);
        if (!ring) {
          ring = { fine: [], coarse: [] };
          rings.set(key, ring);
        }
        add(ring, reading);
      }
      for (const key of rings.keys()) if (!present.has(key)) rings.delete(key);
    },
    pairs(windowSeconds) {
      const pairs: ReadingPair[] = [];
      for (const ring of rings.values()) {
        const newest = ring.fine.at(-1);
        if (!newest) continue;
        const from = newest.at - windowSeconds * 1000;
        let baseline: CompactReading | undefined;
        for (const reading of [...ring.coarse, ...ring.fine]) {
          if (
            reading.at >= from &&
            reading.at < newest.at &&
            (!baseline || reading.at < baseline.at)
          )
            baseline = reading;
        }
        pairs.push({ newest: expand(newest), baseline: baseline && expand(baseline) });
      }
      return pairs;
    },
  };
}
