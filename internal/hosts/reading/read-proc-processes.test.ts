import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { createProcProcessReader, parseCpuTotal, parseProcPidStat } from "./read-proc-processes.js";

describe("parseProcPidStat", () => {
  it("reads state, CPU ticks and resident pages, whatever the process calls itself", () => {
    const text =
      "4242 (tricky (name) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 1 0 100 1000000 321 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
    expect(parseProcPidStat(text)).toEqual({
      pid: 4242,
      comm: "tricky (name) x",
      state: "S",
      ticks: 300,
      rssPages: 321,
    });
    expect(parseProcPidStat("garbage")).toBeUndefined();
  });
});

describe("parseCpuTotal", () => {
  it("sums every state of the all-cores line", () => {
    expect(parseCpuTotal("cpu  10 1 5 100 2 0 1 0 0 0\ncpu0 5 0 2 50 1 0 0 0 0 0\n")).toBe(119);
  });
});

describe.runIf(process.platform === "linux")("createProcProcessReader", () => {
  it("lists a busy process at the top, with its share of the machine's CPU and its memory", async () => {
    const read = createProcProcessReader(12);
    const busy = spawn(
      process.execPath,
      ["-e", "const end = Date.now() + 5000; while (Date.now() < end);"],
      {
        stdio: "ignore",
      },
    );
    try {
      await read();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const reading = await read();
      const listed = reading.top.find((p) => p.pid === busy.pid);
      expect(listed).toMatchObject({ name: "node", state: "running" });
      // One core busy of however many the machine has.
      expect(listed?.cpuPercent).toBeGreaterThan(50 / 64);
      expect(listed?.memoryBytes).toBeGreaterThan(10 * 2 ** 20);
      expect(reading.counts.total).toBeGreaterThan(1);
      expect(reading.counts.threads).toBeGreaterThanOrEqual(reading.counts.total);
    } finally {
      busy.kill("SIGKILL");
      await once(busy, "exit");
    }
  });
});
