import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { type CheckResult, CheckResultSchema } from "../../gen/pulsar/v1/check_pb.js";
import { createBatchWriter } from "./batch-writer.js";
import { silentLogger } from "./logger.js";

const result = (monitorId: string) => create(CheckResultSchema, { monitorId });

describe("createBatchWriter", () => {
  it("gathers concurrent results into few batches and resolves each once written", async () => {
    const batches: CheckResult[][] = [];
    const writer = createBatchWriter<CheckResult>({
      label: "check results",
      log: silentLogger,
      maxBatch: 100,
      maxDelayMs: 20,
      write: async (batch) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        batches.push(batch);
      },
    });
    await Promise.all(Array.from({ length: 250 }, (_, i) => writer.add(result(String(i)))));
    expect(batches.flat().map((r) => r.monitorId)).toEqual(
      Array.from({ length: 250 }, (_, i) => String(i)),
    );
    expect(batches.length).toBeLessThanOrEqual(4);
    expect(Math.max(...batches.map((b) => b.length))).toBe(100);
    await writer.close();
  });

  it("writes at once when idle (writeAtOnceWhenIdle), and batches behind a write in flight", async () => {
    const batches: string[][] = [];
    let release: () => void = () => {};
    const writer = createBatchWriter<CheckResult>({
      label: "pings",
      log: silentLogger,
      // Far longer than the test: whatever is written before it passed was not kept waiting.
      maxDelayMs: 60_000,
      writeAtOnceWhenIdle: true,
      write: async (batch) => {
        batches.push(batch.map((r) => r.monitorId));
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    // Two in the same turn of the event loop go out together, at once.
    const first = [writer.add(result("a")), writer.add(result("b"))];
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([["a", "b"]]);
    // While that write is in flight, a newcomer waits for it, then goes out at once.
    const later = writer.add(result("c"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(batches).toEqual([["a", "b"]]);
    release();
    await Promise.all(first);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([["a", "b"], ["c"]]);
    release();
    await later;
    await writer.close();
  });

  it("retries a failing write, so a Postgres restart loses nothing", async () => {
    let attempts = 0;
    const written: string[] = [];
    const writer = createBatchWriter<CheckResult>({
      label: "check results",
      log: silentLogger,
      maxDelayMs: 1,
      write: async (batch) => {
        attempts++;
        if (attempts < 3) throw new Error("connection terminated");
        written.push(...batch.map((r) => r.monitorId));
      },
    });
    await writer.add(result("a"));
    expect(attempts).toBe(3);
    expect(written).toEqual(["a"]);
  });

  it("rejects the batch's results once retrying passes its bound", async () => {
    const writer = createBatchWriter<CheckResult>({
      label: "check results",
      log: silentLogger,
      maxDelayMs: 1,
      retryForMs: 100,
      write: async () => {
        throw new Error("down");
      },
    });
    await expect(writer.add(result("a"))).rejects.toThrow("down");
  });

  it("close writes what is pending", async () => {
    const written: string[] = [];
    const writer = createBatchWriter<CheckResult>({
      label: "check results",
      log: silentLogger,
      maxDelayMs: 60_000,
      write: async (batch) => {
        written.push(...batch.map((r) => r.monitorId));
      },
    });
    const added = writer.add(result("late"));
    await writer.close();
    await added;
    expect(written).toEqual(["late"]);
  });
});
