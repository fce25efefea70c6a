import { describe, expect, it } from "vitest";
import { type HopMarks, waterfall } from "./waterfall.js";

const marks = (m: Partial<HopMarks>): HopMarks => ({
  start: 10,
  dnsEnd: -1,
  connectEnd: -1,
  tlsEnd: -1,
  firstByte: -1,
  https: true,
  ...m,
});

describe("waterfall", () => {
  it("splits a complete HTTPS hop into consecutive phases after the redirects", () => {
    const hop = marks({ dnsEnd: 12, connectEnd: 15, tlsEnd: 20, firstByte: 50 });
    expect(waterfall(0, hop, 70)).toMatchObject({
      redirectMs: 10,
      dnsMs: 2,
      connectMs: 3,
      tlsMs: 5,
      ttfbMs: 30,
      downloadMs: 20,
      totalMs: 70,
    });
  });

  it("gives the time to the phase that was running when the check ended", () => {
    const timedOut = waterfall(10, marks({ dnsEnd: 12, connectEnd: 15 }), 310);
    expect(timedOut).toMatchObject({ tlsMs: 295, ttfbMs: 0, downloadMs: 0, totalMs: 300 });
    const plain = waterfall(10, marks({ dnsEnd: 10, https: false }), 11);
    expect(plain).toMatchObject({ dnsMs: 0, connectMs: 1, tlsMs: 0 });
  });

  it("never lets a mark after the end make the phases exceed the total", () => {
    const t = waterfall(0, marks({ dnsEnd: 12, connectEnd: 99 }), 20);
    expect(t.redirectMs + t.dnsMs + t.connectMs + t.tlsMs + t.ttfbMs + t.downloadMs).toBe(20);
  });
});
