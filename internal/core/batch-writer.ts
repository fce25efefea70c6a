import type { Logger } from "./logger.js";

/** BatchWriterOptions tune batching and how long a failing write is retried. */
export interface BatchWriterOptions<T> {
  /** Writes one batch; must be all or nothing (one transaction). */
  write: (batch: T[]) => Promise<void>;
  log: Logger;
  /** What the items are, for log lines ("check results"). */
  label: string;
  /** A batch is written once it has this many items... */
  maxBatch?: number;
  /** ...or this long after its first item arrived. */
  maxDelayMs?: number;
  /**
   * Whether an item arriving while nothing is being written goes out at once (with whatever
   * else arrived in the same turn of the event loop) instead of waiting maxDelayMs: for items
   * someone waits on (a ping's answer). Under load writes are in flight, and items batch behind
   * them as before.
   */
  writeAtOnceWhenIdle?: boolean;
  /** Called with each batch once it is stored (to publish it live); must not throw. */
  onStored?: (batch: T[]) => void;
  /** Called with each stored batch's size and how long storing it took, retries included
   *  (metrics); must not throw. */
  onWritten?: (size: number, seconds: number) => void;
  /** Writes allowed at once. A job holds its BullMQ concurrency slot until its result is
   *  stored, so waiting behind a single slow write would throttle the checks themselves. */
  maxInFlight?: number;
  /** A failing write (Postgres restarting) is retried with backoff for this long before the
   *  items are given up (their add() rejects) and, for checks, their jobs fail. */
  retryForMs?: number;
}

/** BatchWriter batches items (check results, host samples) into few round trips. */
export interface BatchWriter<T> {
  /** add resolves once the item is stored: a check's job is acknowledged only then. */
  add(item: T): Promise<void>;
  /** close writes what is pending and stops. */
  close(): Promise<void>;
}

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * createBatchWriter returns a writer that batches items: a batch goes out when it is full or
 * `maxDelayMs` after it started, with up to `maxInFlight` writes at once. Under load batches
 * grow by themselves and each item costs a fraction of a round trip.
 */
export function createBatchWriter<T>(options: BatchWriterOptions<T>): BatchWriter<T> {
  const { label } = options;
  const maxBatch = options.maxBatch ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 20;
  const maxInFlight = options.maxInFlight ?? 4;
  const retryForMs = options.retryForMs ?? 60_000;
  let pending: Pending<T>[] = [];
  /** Cancels the flush scheduled for the pending items; none scheduled when undefined. */
  let cancelFlush: (() => void) | undefined;
  const inFlight = new Set<Promise<void>>();

  const writeWithRetry = async (batch: T[]) => {
    const deadline = Date.now() + retryForMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await options.write(batch);
        return;
      } catch (error) {
        if (Date.now() >= deadline) throw error;
        const backoff = Math.min(2000, 50 * 2 ** attempt);
        options.log.warn(`writing ${label} failed; retrying`, {
          size: batch.length,
          backoff,
          error,
        });
        await new Promise((resolve) => setTimeout(resolve, backoff));
      }
    }
  };

  const unscheduleFlush = () => {
    cancelFlush?.();
    cancelFlush = undefined;
  };
  const scheduleFlush = () => {
    if (cancelFlush) return;
    if (options.writeAtOnceWhenIdle && inFlight.size === 0) {
      const immediate = setImmediate(flush);
      cancelFlush = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(flush, maxDelayMs);
      cancelFlush = () => clearTimeout(timeout);
    }
  };

  const flush = () => {
    unscheduleFlush();
    while (pending.length > 0 && inFlight.size < maxInFlight) {
      const batch = pending.splice(0, maxBatch);
      const items = batch.map((p) => p.item);
      const started = performance.now();
      const write = writeWithRetry(items).then(
        () => {
          options.onWritten?.(items.length, (performance.now() - started) / 1000);
          for (const p of batch) p.resolve();
          options.onStored?.(items);
        },
        (error: unknown) => {
          options.log.error(`gave up writing ${label}`, { size: batch.length, error });
          for (const p of batch) p.reject(error);
        },
      );
      inFlight.add(write);
      write.finally(() => {
        inFlight.delete(write);
        if (pending.length === 0) return;
        const idle = options.writeAtOnceWhenIdle && inFlight.size === 0;
        if (pending.length >= maxBatch || idle) flush();
        else scheduleFlush();
      });
    }
  };

  return {
    add(item) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (pending.length >= maxBatch) flush();
        else scheduleFlush();
      });
    },
    async close() {
      while (pending.length > 0 || inFlight.size > 0) {
        flush();
        await Promise.all(inFlight);
      }
      unscheduleFlush();
      pending = [];
    },
  };
}
