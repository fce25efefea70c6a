import type { CheckResult } from "../../gen/pulsar/v1/check_pb.js";
import type { Logger } from "../log/logger.js";

/** ResultWriterOptions tune batching and how long a failing write is retried. */
export interface ResultWriterOptions {
  /** Writes one batch; must be all or nothing (one transaction). */
  write: (batch: CheckResult[]) => Promise<void>;
  log: Logger;
  /** A batch is written once it has this many results... */
  maxBatch?: number;
  /** ...or this long after its first result arrived. */
  maxDelayMs?: number;
  /** Called with each batch once it is stored (to publish it live); must not throw. */
  onStored?: (batch: CheckResult[]) => void;
  /** Writes allowed at once. A job holds its BullMQ concurrency slot until its result is
   *  stored, so waiting behind a single slow write would throttle the checks themselves. */
  maxInFlight?: number;
  /** A failing write (Postgres restarting) is retried with backoff for this long before the
   *  results are given up and their jobs fail. */
  retryForMs?: number;
}

/** ResultWriter batches check results into few round trips. */
export interface ResultWriter {
  /** add resolves once the result is stored: the job is acknowledged only then. */
  add(result: CheckResult): Promise<void>;
  /** close writes what is pending and stops. */
  close(): Promise<void>;
}

interface Pending {
  result: CheckResult;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * createResultWriter returns a writer that batches results: a batch goes out when it is full or
 * `maxDelayMs` after it started, with up to `maxInFlight` writes at once. Under load batches
 * grow by themselves and each result costs a fraction of a round trip.
 */
export function createResultWriter(options: ResultWriterOptions): ResultWriter {
  const maxBatch = options.maxBatch ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 20;
  const maxInFlight = options.maxInFlight ?? 4;
  const retryForMs = options.retryForMs ?? 60_000;
  let pending: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();

  const writeWithRetry = async (batch: CheckResult[]) => {
    const deadline = Date.now() + retryForMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await options.write(batch);
        return;
      } catch (error) {
        if (Date.now() >= deadline) throw error;
        const backoff = Math.min(2000, 50 * 2 ** attempt);
        options.log.warn("writing check results failed; retrying", {
          size: batch.length,
          backoff,
          error,
        });
        await new Promise((resolve) => setTimeout(resolve, backoff));
      }
    }
  };

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    while (pending.length > 0 && inFlight.size < maxInFlight) {
      const batch = pending.splice(0, maxBatch);
      const results = batch.map((p) => p.result);
      const write = writeWithRetry(results).then(
        () => {
          for (const p of batch) p.resolve();
          options.onStored?.(results);
        },
        (error: unknown) => {
          options.log.error("gave up writing check results", { size: batch.length, error });
          for (const p of batch) p.reject(error);
        },
      );
      inFlight.add(write);
      write.finally(() => {
        inFlight.delete(write);
        if (pending.length >= maxBatch) flush();
        else if (pending.length > 0 && !timer) timer = setTimeout(flush, maxDelayMs);
      });
    }
  };

  return {
    add(result) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ result, resolve, reject });
        if (pending.length >= maxBatch) flush();
        else if (!timer) timer = setTimeout(flush, maxDelayMs);
      });
    },
    async close() {
      while (pending.length > 0 || inFlight.size > 0) {
        flush();
        await Promise.all(inFlight);
      }
      clearTimeout(timer);
      pending = [];
    },
  };
}
