/** FrameRate is how many frames a client may send: `perSecond` on average, `burst` at once. */
export interface FrameRate {
  perSecond: number;
  burst: number;
}

/**
 * FrameBucket is a token bucket for one connection's incoming frames: it starts full (`burst`
 * tokens) and refills at `perSecond`. Time comes from a monotonic clock, so a change of the
 * wall clock neither empties nor refills it.
 */
export class FrameBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: FrameRate,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = rate.burst;
    this.last = now();
  }

  /** take spends one token; false when none is left (the frame is over the rate). */
  take(): boolean {
    const now = this.now();
    const refill = ((now - this.last) / 1000) * this.rate.perSecond;
    this.tokens = Math.min(this.rate.burst, this.tokens + refill);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
