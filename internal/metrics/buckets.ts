/**
 * DURATION_BUCKETS (seconds) span what a check phase, a batch write or an RPC takes: from a
 * DNS answer out of the cache (1 ms) to a check's longest timeout (30 s), about 2.5× apart.
 */
export const DURATION_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/**
 * LATENESS_BUCKETS (seconds) span how late a check starts: a healthy worker starts within
 * milliseconds of the slot, a backlog shows as seconds, a stalled queue as minutes.
 */
export const LATENESS_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
];

/** BATCH_SIZE_BUCKETS span a result batch: one result when idle, up to the writer's 500. */
export const BATCH_SIZE_BUCKETS: readonly number[] = [1, 2, 5, 10, 25, 50, 100, 250, 500];
