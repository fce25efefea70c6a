import { ResourceExhaustedError } from "../core/errors.js";

/** HashGateLimits bound the password hashing of one API process. */
export interface HashGateLimits {
  /** Hashes running at once. */
  concurrency: number;
  /** Hashes waiting for a turn; past it, requests are refused at once. */
  maxQueue: number;
}

/**
 * DEFAULT_HASH_GATE: 2 hashes at once, 16 waiting. One scrypt holds 32 MiB and one of libuv's
 * 4 threads for ~0.45 s, and that pool also serves zlib and fs: two at once leave half of it to
 * everything else and bound the memory at 64 MiB; a full queue drains in about 4 s.
 */
export const DEFAULT_HASH_GATE: HashGateLimits = { concurrency: 2, maxQueue: 16 };

/**
 * HashingBusyError is a sign-in or sign-up refused because the gate's queue is full: the
 * password was never checked (so the attempt is not held against anyone).
 */
export class HashingBusyError extends ResourceExhaustedError {
  override name = "HashingBusyError";
}

/** HashGate runs password hashes a few at a time, with a bounded queue. */
export interface HashGate {
  /** run starts `work` when a slot is free; throws HashingBusyError when the queue is full. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Hashes running now. */
  readonly active: number;
  /** Hashes waiting now. */
  readonly waiting: number;
}

/** What a hash took when none has been timed yet: DEFAULT_SCRYPT's ~0.45 s, rounded up. */
const FIRST_GUESS_MS = 500;

/** createHashGate builds the gate of one process; every hashing path must share it. */
export function createHashGate(limits: HashGateLimits = DEFAULT_HASH_GATE): HashGate {
  let active = 0;
  const queue: (() => void)[] = [];
  // A running average of how long a hash takes, to tell a refused client when the queue
  // will have drained.
  let averageMs = FIRST_GUESS_MS;

  const retryAfterSeconds = () => {
    const rounds = queue.length / limits.concurrency + 1;
    return Math.max(1, Math.ceil((rounds * averageMs) / 1000));
  };

  const release = () => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };

  return {
    async run(work) {
      if (active < limits.concurrency) active++;
      else if (queue.length < limits.maxQueue) {
        // The slot is handed over by release(): `active` never drops in between, so a newcomer
        // cannot jump the queue.
        await new Promise<void>((resolve) => queue.push(resolve));
      } else {
        const seconds = retryAfterSeconds();
        throw new HashingBusyError(
          `too many sign-ins in progress; try again in ${seconds} s`,
          seconds,
        );
      }
      const started = performance.now();
      try {
        return await work();
      } finally {
        averageMs = 0.8 * averageMs + 0.2 * (performance.now() - started);
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
