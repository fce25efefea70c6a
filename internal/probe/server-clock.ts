/**
 * ServerClock converts between the probe's clock and the API's. A check's scheduled_at_ms is
 * on the API's clock (BullMQ's schedule): a probe whose clock is a second off would otherwise
 * start every check a second early or late, and drop checks as stale that are not.
 */
export interface ServerClock {
  /** observe takes a server_time and when its answer arrived (this clock). */
  observe(serverTimeMs: number, receivedAtMs: number): void;
  /** The API's clock minus this one, in ms: 0 until an answer was observed. */
  readonly offsetMs: number;
  /** serverNow is the API's time now. */
  serverNow(): number;
  /** toLocal converts an instant of the API's clock to this one. */
  toLocal(serverMs: number): number;
}

/**
 * createServerClock estimates the offset from TakeChecks' server_time. The answer of a long
 * poll leaves the API when server_time is taken, so the send time says nothing; what is left is
 * the one-way trip back, a few ms, which is below what matters for a check's slot. A single
 * delayed answer would still shift the estimate by its delay, so it follows the smallest of the
 * recent estimates (the least delayed answer), forgetting them after a few minutes in case a
 * clock was stepped.
 */
export function createServerClock(now: () => number = Date.now): ServerClock {
  const WINDOW_MS = 5 * 60_000;
  let samples: { offset: number; at: number }[] = [];
  let offsetMs = 0;
  return {
    observe(serverTimeMs, receivedAtMs) {
      samples = samples.filter((sample) => receivedAtMs - sample.at < WINDOW_MS).slice(-31);
      // The delay of an answer makes server_time look older than it is, so the offset smaller:
      // the largest estimate is the least delayed one.
      samples.push({ offset: serverTimeMs - receivedAtMs, at: receivedAtMs });
      offsetMs = Math.max(...samples.map((sample) => sample.offset));
    },
    get offsetMs() {
      return offsetMs;
    },
    serverNow: () => now() + offsetMs,
    toLocal: (serverMs) => serverMs - offsetMs,
  };
}
