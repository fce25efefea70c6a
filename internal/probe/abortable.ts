/**
 * sleep resolves after ms, or at once when signal is aborted (it never rejects): the loops of
 * the probe wait out backoffs and intervals this way and still stop at once.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return until(new Promise<void>((resolve) => setTimeout(resolve, ms).unref()), signal);
}

/** until resolves when promise does, or at once when signal is aborted (it never rejects). */
export function until(promise: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    promise.then(done, done);
  });
}
