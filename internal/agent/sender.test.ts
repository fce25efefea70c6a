import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { HostSampleSchema } from "../../gen/pulsar/v1/host_pb.js";
import { PushSamplesResponseSchema } from "../../gen/pulsar/v1/ingest_pb.js";
import { eventually } from "../../test/support/eventually.js";
import { silentLogger } from "../core/logger.js";
import { createSampleBuffer } from "./buffer.js";
import { createSender, type IngestClient } from "./sender.js";

const encoded = (i: number) =>
  toBinary(
    HostSampleSchema,
    create(HostSampleSchema, { hostId: "h", sampledAt: timestampFromMs(i) }),
  );

/** FakeApi answers each call with the next scripted outcome (then success) and records batches. */
function fakeApi(outcomes: (Code | "ok" | "hang")[] = []) {
  const batches: number[][] = [];
  const client: IngestClient = {
    async pushSamples(req, options) {
      const outcome = outcomes.shift() ?? "ok";
      batches.push(req.samples.map((s) => (s.sampledAt ? timestampMs(s.sampledAt) : -1)));
      if (outcome === "hang") {
        await new Promise((_, reject) =>
          options?.signal?.addEventListener("abort", () =>
            reject(new ConnectError("cancelled", Code.Canceled)),
          ),
        );
      }
      if (outcome !== "ok") {
        const metadata =
          outcome === Code.ResourceExhausted ? new Headers({ "retry-after": "1" }) : undefined;
        throw new ConnectError("refused", outcome as Code, metadata);
      }
      return create(PushSamplesResponseSchema, { accepted: req.samples.length });
    },
  };
  return { client, batches };
}

function recordingLog() {
  const lines: { level: string; message: string }[] = [];
  const at =
    (level: string) =>
    (message: string): void => {
      lines.push({ level, message });
    };
  return {
    lines,
    log: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") },
  };
}

/** Soon is how eventually polls here: the fakes answer at once, and the timings asserted are tight. */
const soon = { timeoutMs: 3000, intervalMs: 5 };
const fast = { baseMs: 20, maxMs: 80 };

describe("createSender", () => {
  it("sends each sample as it comes, and forgets it once the API stored it", async () => {
    const buffer = createSampleBuffer(100);
    const api = fakeApi();
    const sender = createSender({ buffer, client: api.client, log: silentLogger });
    buffer.push(encoded(1));
    sender.notify();
    await eventually(() => buffer.size === 0, { what: "the buffer to be sent", ...soon });
    buffer.push(encoded(2));
    sender.notify();
    await eventually(() => buffer.size === 0, { what: "the buffer to be sent", ...soon });
    expect(api.batches).toEqual([[1], [2]]);
  });

  it("keeps samples through failures, retries with backoff and then backfills in order, in batches", async () => {
    const buffer = createSampleBuffer(100);
    const api = fakeApi([Code.Unavailable, Code.Unavailable, Code.Internal]);
    const { log, lines } = recordingLog();
    const sender = createSender({ buffer, client: api.client, log, retry: fast, batchSize: 4 });
    for (let i = 1; i <= 10; i++) {
      buffer.push(encoded(i));
      sender.notify();
    }
    await eventually(() => buffer.size === 0, { what: "the buffer to be sent", ...soon });
    const sent = api.batches.slice(3);
    expect(sent.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(sent.every((batch) => batch.length <= 4)).toBe(true);
    // One line when the trouble starts, one when it ends; none per retry.
    expect(lines.filter((l) => l.level !== "debug").map((l) => l.level)).toEqual(["warn", "info"]);
  });

  it("drops a batch the API calls invalid, which no retry could fix, and goes on", async () => {
    const buffer = createSampleBuffer(100);
    const api = fakeApi([Code.InvalidArgument]);
    const { log, lines } = recordingLog();
    const sender = createSender({ buffer, client: api.client, log });
    buffer.push(encoded(1));
    sender.notify();
    await eventually(() => buffer.size === 0, { what: "the buffer to be sent", ...soon });
    buffer.push(encoded(2));
    sender.notify();
    await eventually(() => api.batches.length === 2 && buffer.size === 0, {
      what: "the second batch to be sent",
      ...soon,
    });
    expect(lines.map((l) => l.level)).toEqual(["error"]);
  });

  it("on a refused token logs one clear line and stops sending until the long backoff ends", async () => {
    const buffer = createSampleBuffer(100);
    const api = fakeApi([Code.Unauthenticated, Code.Unauthenticated]);
    const { log, lines } = recordingLog();
    const sender = createSender({
      buffer,
      client: api.client,
      log,
      refusedRetry: { baseMs: 400, maxMs: 400 },
      random: () => 1,
    });
    buffer.push(encoded(1));
    sender.notify();
    await eventually(() => api.batches.length === 1, { what: "the first push", ...soon });
    for (let i = 2; i <= 5; i++) {
      buffer.push(encoded(i));
      sender.notify();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.batches).toHaveLength(1);
    await eventually(() => buffer.size === 0, { what: "the buffer to be sent", ...soon });
    expect(api.batches).toEqual([[1], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]);
    const errors = lines.filter((l) => l.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/PULSAR_AGENT_TOKEN \(401 unauthenticated\).*revoked/);
  });

  it("waits as long as a rate limit says", async () => {
    const buffer = createSampleBuffer(100);
    const api = fakeApi([Code.ResourceExhausted]);
    const sender = createSender({ buffer, client: api.client, log: silentLogger, random: () => 0 });
    const started = Date.now();
    buffer.push(encoded(1));
    sender.notify();
    await eventually(() => buffer.size === 0, { what: "the buffer to be sent", ...soon });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it("drains at shutdown without waiting out a backoff, and gives up at its deadline", async () => {
    const buffer = createSampleBuffer(100);
    const api = fakeApi([Code.Unavailable]);
    const sender = createSender({
      buffer,
      client: api.client,
      log: silentLogger,
      retry: { baseMs: 60_000, maxMs: 60_000 },
    });
    buffer.push(encoded(1));
    sender.notify();
    await eventually(() => api.batches.length === 1, { what: "the first push", ...soon });
    buffer.push(encoded(2));
    expect(await sender.drain(2000)).toBe(0);
    expect(api.batches.at(-1)).toEqual([1, 2]);

    const stuck = createSampleBuffer(100);
    const hanging = fakeApi(["hang"]);
    const stuckSender = createSender({ buffer: stuck, client: hanging.client, log: silentLogger });
    stuck.push(encoded(1));
    stuckSender.notify();
    const started = Date.now();
    expect(await stuckSender.drain(200)).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("hands each answer to onAnswer once the batch is acknowledged, and survives a failing one", async () => {
    const buffer = createSampleBuffer(100);
    const { client } = fakeApi();
    const heard: number[] = [];
    const bufferedWhenHeard: number[] = [];
    const { log, lines } = recordingLog();
    const sender = createSender({
      buffer,
      client,
      log,
      retry: fast,
      onAnswer: (answer) => {
        heard.push(answer.accepted);
        bufferedWhenHeard.push(buffer.size);
        throw new Error("a bug in the handler");
      },
    });
    buffer.push(encoded(1));
    sender.notify();
    await eventually(() => heard.length === 1, { ...soon, what: "the first answer" });
    buffer.push(encoded(2));
    sender.notify();
    await eventually(() => heard.length === 2, { ...soon, what: "the second answer" });
    expect(heard).toEqual([1, 1]);
    // Acknowledged before the answer is handled.
    expect(bufferedWhenHeard).toEqual([0, 0]);
    expect(lines.filter((l) => l.level === "warn").map((l) => l.message)).toEqual([
      "handling the API's answer failed",
      "handling the API's answer failed",
    ]);
    expect(await sender.drain(100)).toBe(0);
  });
});
