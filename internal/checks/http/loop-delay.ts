import { performance } from "node:perf_hooks";

/**
 * INTERVAL_MS: every tick wakes a process that is otherwise idle most of the time (a worker at
 * 200 checks/s whose checks wait on their targets): at 10 ms the ticks were a third of a
 * worker's wake-ups. A stall of the loop longer than the interval always delays a tick by at
 * least its excess over the interval; a shorter one, with a chance of its length over the
 * interval.
 */
const INTERVAL_MS = 20;
/** Libuv timers have 1 ms granularity: lateness below this is the clock, not a busy loop. */
const GRANULARITY_MS = 1;
/** 4096 samples at 20 ms keep ~80 s of history, longer than any check timeout. */
const SLOTS = 4096;

/**
 * LoopDelaySampler measures how late the event loop runs a 20 ms timer while checks are in
 * flight. A check asks for the worst lateness seen during its own window: a large figure means
 * its socket events were handled late and its timings are inflated by about that much.
 *
 * One sampler serves every concurrent check (per-check timers would cost CPU in exactly the
 * bursts being measured); it runs only while at least one check is open and never keeps the
 * process alive. Samples are approximate to about 1 ms.
 */
export class LoopDelaySampler {
  readonly #at = new Float64Array(SLOTS);
  readonly #lag = new Float64Array(SLOTS);
  #next = 0;
  #count = 0;
  #open = 0;
  #due = 0;
  #timer: NodeJS.Timeout | undefined;

  /** open registers a check in flight, starting the sampler if it was idle. */
  open(): void {
    this.#open += 1;
    if (this.#timer !== undefined) return;
    this.#due = performance.now() + INTERVAL_MS;
    this.#timer = setTimeout(this.#tick, INTERVAL_MS);
    this.#timer.unref();
  }

  /**
   * close ends a check opened at `since` (a performance.now() instant) and returns the worst
   * loop lateness, in ms, sampled since then, including a tick that is overdue right now.
   */
  close(since: number): number {
    const now = performance.now();
    let worst = Math.max(0, now - this.#due - GRANULARITY_MS);
    let i = this.#next;
    for (let n = 0; n < this.#count; n++) {
      i = i === 0 ? SLOTS - 1 : i - 1;
      if (this.#at[i] < since) break;
      if (this.#lag[i] > worst) worst = this.#lag[i];
    }
    this.#open -= 1;
    if (this.#open === 0 && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    return worst;
  }

  readonly #tick = (): void => {
    const now = performance.now();
    this.#at[this.#next] = now;
    this.#lag[this.#next] = Math.max(0, now - this.#due - GRANULARITY_MS);
    this.#next = (this.#next + 1) % SLOTS;
    if (this.#count < SLOTS) this.#count += 1;
    this.#due = now + INTERVAL_MS;
    // refresh() re-arms the same Timeout object: no allocation per tick.
    this.#timer?.refresh();
  };
}
