import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.js";
import { createSampleBuffer } from "./buffer.js";
import { bufferCapacity, loadAgentConfig } from "./config.js";

const bytes = (n: number) => new Uint8Array([n]);
const values = (samples: Uint8Array[]) => samples.map((s) => s[0]);

describe("createSampleBuffer", () => {
  it("hands out the oldest samples first and forgets them only when acknowledged", () => {
    const buffer = createSampleBuffer(10);
    for (let i = 1; i <= 5; i++) buffer.push(bytes(i));
    const first = buffer.peek(2, 1000);
    expect(values(first.samples)).toEqual([1, 2]);
    expect(values(buffer.peek(2, 1000).samples)).toEqual([1, 2]);
    buffer.ack(first.lastSeq);
    expect(buffer.size).toBe(3);
    expect(values(buffer.peek(10, 1000).samples)).toEqual([3, 4, 5]);
  });

  it("drops the oldest past its capacity and counts them", () => {
    const buffer = createSampleBuffer(3);
    const dropped = [1, 2, 3, 4, 5].map((i) => buffer.push(bytes(i)));
    expect(dropped).toEqual([false, false, false, true, true]);
    expect(buffer.dropped).toBe(2);
    expect(values(buffer.peek(10, 1000).samples)).toEqual([3, 4, 5]);
  });

  it("acknowledges only what was sent when the oldest were dropped meanwhile", () => {
    const buffer = createSampleBuffer(3);
    for (let i = 1; i <= 3; i++) buffer.push(bytes(i));
    const inFlight = buffer.peek(2, 1000); // 1 and 2
    for (let i = 4; i <= 6; i++) buffer.push(bytes(i)); // pushes out 1, 2 and 3
    buffer.ack(inFlight.lastSeq);
    expect(values(buffer.peek(10, 1000).samples)).toEqual([4, 5, 6]);
  });

  it("bounds a batch by bytes, but always hands out at least one sample", () => {
    const buffer = createSampleBuffer(10);
    buffer.push(new Uint8Array(600));
    buffer.push(new Uint8Array(600));
    expect(buffer.peek(10, 1000).samples).toHaveLength(1);
    expect(buffer.peek(10, 100).samples).toHaveLength(1);
  });

  it("keeps order and counts across many pushes, acks and drops (compaction)", () => {
    const buffer = createSampleBuffer(2000);
    const u32 = (i: number) => new Uint8Array(new Uint32Array([i]).buffer);
    let acked = 0;
    for (let i = 0; i < 10_000; i++) {
      buffer.push(u32(i));
      if (i % 3 === 0) {
        const batch = buffer.peek(2, 1000);
        buffer.ack(batch.lastSeq);
        acked += batch.samples.length;
      }
    }
    const left = buffer.peek(10_000, 1e9).samples.map((s) => new Uint32Array(s.buffer)[0]);
    expect(left.at(-1)).toBe(9999);
    expect(left.every((v, i) => i === 0 || v === (left[i - 1] ?? 0) + 1)).toBe(true);
    expect(buffer.size + buffer.dropped + acked).toBe(10_000);
    expect(buffer.dropped).toBeGreaterThan(0);
  });
});

describe("backoffDelay", () => {
  const policy = { baseMs: 1000, maxMs: 30_000 };
  it("doubles per attempt up to the cap, jittered between half and all of it", () => {
    expect([0, 1, 2, 5, 50].map((a) => backoffDelay(a, policy, () => 1))).toEqual([
      1000, 2000, 4000, 30_000, 30_000,
    ]);
    expect([0, 1, 2, 5].map((a) => backoffDelay(a, policy, () => 0))).toEqual([
      500, 1000, 2000, 15_000,
    ]);
  });
});

describe("loadAgentConfig", () => {
  const token = `pulsar_agent_${"a".repeat(43)}`;
  it("needs only the API's URL and an agent token, with the documented defaults", () => {
    const config = loadAgentConfig({
      PULSAR_URL: "https://pulsar.example.com",
      PULSAR_AGENT_TOKEN: token,
    });
    expect(config).toMatchObject({
      SAMPLE_INTERVAL_MS: 2000,
      AGENT_BUFFER_SECONDS: 3600,
      LOG_LEVEL: "info",
    });
    expect(config.AGENT_HOST_ID).toBeUndefined();
    expect(bufferCapacity(config)).toBe(1800);
  });

  it("names each wrong variable and never echoes a token", () => {
    const attempt = () =>
      loadAgentConfig({
        PULSAR_URL: "ftp://x",
        PULSAR_AGENT_TOKEN: "pulsar_api_secret-value",
        SAMPLE_INTERVAL_MS: "100",
        AGENT_HOST_ID: "bad id",
        DATABASE_URL: "not needed and not read",
      });
    expect(attempt).toThrow(/PULSAR_URL: .*\n.*PULSAR_AGENT_TOKEN: .*\(got 23 characters\)/);
    expect(attempt).toThrow(/SAMPLE_INTERVAL_MS/);
    expect(attempt).toThrow(/AGENT_HOST_ID/);
    expect(attempt).not.toThrow(/secret-value/);
    expect(() => loadAgentConfig({})).toThrow(
      /PULSAR_URL: is required\n {2}PULSAR_AGENT_TOKEN: is required/,
    );
  });
});
