import { MAX_PROCESSES, type PublishedRegistry } from "./published.js";

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
  fine: PublishedRegistry[];
  coarse: PublishedRegistry[];
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
    ring.fine.push(reading);
    while (
      ring.fine.length > FINE_MAX ||
      (ring.fine[0] && ring.fine[0].at < reading.at - FINE_SPAN_MS)
    ) {
      ring.fine.shift();
    }
    const lastCoarse = ring.coarse.at(-1);
    if (!lastCoarse || reading.at - lastCoarse.at >= COARSE_STEP_MS) ring.coarse.push(reading);
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
        let baseline: PublishedRegistry | undefined;
        for (const reading of [...ring.coarse, ...ring.fine]) {
          if (
            reading.at >= from &&
            reading.at < newest.at &&
            (!baseline || reading.at < baseline.at)
          )
            baseline = reading;
        }
        pairs.push({ newest, baseline });
      }
      return pairs;
    },
  };
}
