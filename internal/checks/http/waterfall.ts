/**
 * HopMarks are the performance.now() instants of one request hop; -1 means "not reached".
 * The connector and the request handler fill them as events happen.
 */
export interface HopMarks {
  /** When the hop began (client created, DNS about to start). */
  readonly start: number;
  dnsEnd: number;
  connectEnd: number;
  /** Handshake end; stays -1 on plain HTTP. */
  tlsEnd: number;
  /** First byte of the response (status line), before the headers are parsed. */
  firstByte: number;
  readonly https: boolean;
}

/** Phases are the fields of a CheckTiming message, in ms, every one of them set. */
export interface Phases {
  redirectMs: number;
  dnsMs: number;
  connectMs: number;
  tlsMs: number;
  ttfbMs: number;
  downloadMs: number;
  totalMs: number;
}

/**
 * waterfall turns the marks of the final hop into consecutive phases that add up to
 * `end - checkStart`: everything before the hop is redirectMs, a phase still running at `end`
 * (a timeout, a refusal) gets the time up to `end`, and the phases after it get 0. `hop` is
 * undefined when the check failed before any hop started (an invalid URL, an early abort).
 */
export function waterfall(checkStart: number, hop: HopMarks | undefined, end: number): Phases {
  const totalMs = end - checkStart;
  if (hop === undefined) {
    // Nothing was sent: the few microseconds spent belong to no phase.
    return { redirectMs: 0, dnsMs: 0, connectMs: 0, tlsMs: 0, ttfbMs: 0, downloadMs: 0, totalMs };
  }
  // Each phase runs from the previous boundary to its own mark, clamped to [previous, end], so
  // a missing or out-of-order mark can only shorten a phase, never break the sum.
  let at = hop.start;
  const until = (mark: number): number => {
    const to = mark < 0 || mark > end ? end : mark;
    if (to <= at) return 0;
    const span = to - at;
    at = to;
    return span;
  };
  const dnsMs = until(hop.dnsEnd);
  const connectMs = until(hop.connectEnd);
  const tlsMs = hop.https ? until(hop.tlsEnd) : 0;
  const ttfbMs = until(hop.firstByte);
  const downloadMs = until(end);
  return {
    redirectMs: Math.max(0, hop.start - checkStart),
    dnsMs,
    connectMs,
    tlsMs,
    ttfbMs,
    downloadMs,
    totalMs,
  };
}
