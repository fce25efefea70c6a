// The one polling helper of the tests. Not imported by production code.

/** EventuallyOptions say what eventually waits for, and for how long. */
export interface EventuallyOptions {
  /** what names what is awaited, for the failure message ("the check result to be stored"). */
  what: string;
  /** timeoutMs is how long to keep trying: 5000 unless told. */
  timeoutMs?: number;
  /** intervalMs is the pause between tries: 20 unless told. */
  intervalMs?: number;
  /**
   * giveUp, when it returns a reason, fails at once rather than at the deadline: a child
   * process that exited will not come up, however long one waits.
   */
  giveUp?: () => string | undefined;
  /** detail is added to a failure's message: a child process's output, say. */
  detail?: () => string;
}

/** Pending are the values a probe returns for "not yet". */
type Pending = false | undefined | null;

/**
 * eventually calls probe until it returns something other than false, undefined or null, and
 * resolves with that (so 0 and "" count as answers: compare them explicitly). A probe that
 * throws has not succeeded yet either, so `expect` may be used inside it. After
 * options.timeoutMs it rejects with a message naming options.what and the last value or error
 * the probe gave: "condition not met" says nothing about what went wrong.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  options: EventuallyOptions,
): Promise<Exclude<T, Pending>> {
  const { what, timeoutMs = 5000, intervalMs = 20, giveUp, detail } = options;
  const deadline = Date.now() + timeoutMs;
  let last: { value: unknown } | { error: unknown } = { value: undefined };
  for (;;) {
    try {
      const value = await probe();
      if (value !== false && value !== undefined && value !== null) {
        return value as Exclude<T, Pending>;
      }
      last = { value };
    } catch (error) {
      last = { error };
    }
    const reason = giveUp?.();
    if (reason !== undefined) throw failure(`gave up waiting for ${what}: ${reason}`);
    if (Date.now() >= deadline)
      throw failure(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }

  function failure(headline: string): Error {
    const lastSeen =
      "error" in last
        ? `the last try threw ${render(last.error)}`
        : `the last try gave ${render(last.value)}`;
    const extra = detail ? `\n${detail()}` : "";
    return new Error(`${headline}; ${lastSeen}${extra}`, {
      cause: "error" in last ? last.error : undefined,
    });
  }
}

/** render renders a probe's value or error for a failure message, briefly. */
function render(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value === undefined) return "undefined";
  try {
    const json = JSON.stringify(value);
    return json.length > 300 ? `${json.slice(0, 300)}…` : json;
  } catch {
    return String(value);
  }
}
