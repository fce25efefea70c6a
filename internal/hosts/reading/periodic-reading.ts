import type { Logger } from "../../core/logger.js";

/** PeriodicReading keeps the last value of a slow reading and refreshes it in the background. */
export interface PeriodicReading<T> {
  /** current returns the last value read (the fallback until one is), starting a refresh when
   *  the value is older than its period. It never waits for the refresh. */
  current(): T;
  /** refresh reads now unless a read is in flight, and resolves when the value is updated. */
  refresh(): Promise<void>;
  /** settle waits for a read in flight, if any (so stop() leaves no work behind). */
  settle(): Promise<void>;
}

/**
 * createPeriodicReading wraps a slow reading (the process list, the filesystems) so that a
 * sample reuses its last value instead of waiting: the value is refreshed at most once per
 * `everyMs`, one read at a time. A failed read keeps the previous value and is logged.
 */
export function createPeriodicReading<T>(options: {
  name: string;
  read: () => Promise<T>;
  everyMs: number;
  fallback: T;
  log: Logger;
}): PeriodicReading<T> {
  let value = options.fallback;
  let readAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  const refresh = (): Promise<void> => {
    if (inFlight) return inFlight;
    const started = Date.now();
    inFlight = options
      .read()
      .then(
        (next) => {
          value = next;
        },
        (error: unknown) => options.log.warn(`reading ${options.name} failed`, { error }),
      )
      .finally(() => {
        // Failures count as a read too: retrying a failing source every sample would cost more.
        readAt = started;
        inFlight = undefined;
      });
    return inFlight;
  };

  return {
    current() {
      if (Date.now() - readAt >= options.everyMs) void refresh();
      return value;
    },
    refresh,
    async settle() {
      await inFlight;
    },
  };
}
