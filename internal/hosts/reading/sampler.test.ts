import { execFile } from "node:child_process";
import { isIP } from "node:net";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { HostSample } from "../../../gen/pulsar/v1/host_pb.js";
import { silentLogger } from "../../core/logger.js";
import { resolveHostId } from "./host-id.js";
import { createSampler } from "./sampler.js";

/** samplesOf runs a sampler until it has produced `count` samples, then stops it. */
async function samplesOf(count: number, onSample?: () => Promise<void>): Promise<HostSample[]> {
  const samples: HostSample[] = [];
  let done: () => void = () => {};
  const enough = new Promise<void>((resolve) => {
    done = resolve;
  });
  const sampler = createSampler({
    intervalMs: 500,
    version: "1.2.3-test",
    labels: { env: "test" },
    onSample: async (sample) => {
      samples.push(sample);
      await onSample?.();
      if (samples.length >= count) done();
    },
    log: silentLogger,
  });
  sampler.start();
  await enough;
  await sampler.stop();
  return samples;
}

const inPercent = (value: number) => {
  expect(value).toBeGreaterThanOrEqual(0);
  expect(value).toBeLessThanOrEqual(100);
};

describe("host sampler on this machine", () => {
  it("produces complete samples with sane figures", async () => {
    const [first, second] = await samplesOf(2);
    for (const sample of [first, second]) {
      if (!sample) throw new Error("missing sample");
      expect(sample.hostId).toMatch(/^[0-9a-f]{32}$/);
      expect(sample.hostname).not.toBe("");
      expect(sample.sampledAt).toBeDefined();
      const cpu = sample.cpu;
      expect(cpu?.perCorePercent).toHaveLength(cpus().length);
      inPercent(cpu?.totalPercent ?? -1);
      for (const core of cpu?.perCorePercent ?? []) inPercent(core);
      expect(cpu?.load1).toBeGreaterThanOrEqual(0);
      const memory = sample.memory;
      expect(memory?.totalBytes).toBeGreaterThan(0);
      expect(memory?.usedBytes).toBeGreaterThan(0);
      expect(memory?.usedBytes).toBeLessThanOrEqual(memory?.totalBytes ?? 0);
      expect(memory?.availableBytes).toBeLessThanOrEqual(memory?.totalBytes ?? 0);
      expect(sample.disks.length).toBeGreaterThanOrEqual(1);
      for (const disk of sample.disks) {
        expect(disk.sizeBytes).toBeGreaterThan(0);
        expect(disk.usedBytes).toBeLessThanOrEqual(disk.sizeBytes);
        expect(["tmpfs", "overlay", "squashfs", "proc"]).not.toContain(disk.fsType);
      }
      expect(sample.network?.rxBytesPerSec).toBeGreaterThanOrEqual(0);
      expect(sample.network?.interfaces.length).toBeGreaterThanOrEqual(1);
      const procs = sample.processes;
      expect(procs?.total).toBeGreaterThanOrEqual(1);
      expect(procs?.total).toBeGreaterThanOrEqual(procs?.running ?? 0);
      expect(procs?.threads).toBeGreaterThanOrEqual(procs?.total ?? 0);
      expect(sample.topProcesses.length).toBeGreaterThan(0);
      expect(sample.topProcesses.length).toBeLessThanOrEqual(12);
      for (const p of sample.topProcesses) inPercent(p.cpuPercent);
      expect(sample.info?.cores).toBe(cpus().length);
      expect(sample.info?.kernel).not.toBe("");
      expect(sample.info?.agentVersion).toBe("1.2.3-test");
      expect(sample.info?.labels).toEqual({ env: "test" });
      if (sample.info?.ipAddress) expect(isIP(sample.info.ipAddress)).not.toBe(0);
      const io = sample.diskIo;
      expect(io).toBeDefined();
      for (const rate of [io?.readBytesPerSec, io?.writeBytesPerSec, io?.readOpsPerSec]) {
        expect(rate).toBeGreaterThanOrEqual(0);
      }
      expect(io?.devices.length ?? 0).toBeLessThanOrEqual(32);
      for (const p of sample.topProcesses) {
        inPercent(p.memoryPercent);
        expect(p.openFiles).toBeGreaterThanOrEqual(-1);
        expect(p.command.length).toBeLessThanOrEqual(200);
      }
      if (process.platform === "linux") {
        expect(sample.info?.ipAddress).not.toBe("");
        expect(sample.fileHandles?.allocated).toBeGreaterThan(0);
        expect(sample.topProcesses.some((p) => p.threads > 0 && p.command !== "")).toBe(true);
      }
    }
  });

  it("leaves out disabled readings and takes a new interval from the next sample", async () => {
    const samples: HostSample[] = [];
    const times: number[] = [];
    let wake: (sample: HostSample) => void = () => {};
    const lastGap = () => (times.at(-1) ?? 0) - (times.at(-2) ?? 0);
    const sampler = createSampler({
      intervalMs: 500,
      version: "1.2.3-test",
      onSample: (sample) => {
        samples.push(sample);
        times.push(performance.now());
        wake(sample);
      },
      log: silentLogger,
    });
    const next = () =>
      new Promise<HostSample>((resolve) => {
        wake = resolve;
      });
    sampler.configure({
      disabledReadings: ["processes", "disks", "disk_io", "network", "file_handles", "cpu"],
    });
    sampler.start();
    try {
      const bare = await next();
      expect(bare.cpu).toBeDefined(); // CPU and memory cannot be left out
      expect(bare.memory?.totalBytes).toBeGreaterThan(0);
      expect(bare.processes).toBeUndefined();
      expect(bare.topProcesses).toEqual([]);
      expect(bare.disks).toEqual([]);
      expect(bare.diskIo).toBeUndefined();
      expect(bare.network).toBeUndefined();
      expect(bare.fileHandles).toBeUndefined();

      sampler.configure({ intervalMs: 1500, disabledReadings: ["processes"] });
      await next(); // may have been scheduled at the old interval already
      const full = await next();
      expect(lastGap()).toBeGreaterThanOrEqual(1400); // measured: configure set it
      expect(full.processes).toBeUndefined();
      expect(full.network).toBeDefined();
      expect(full.diskIo).toBeDefined();
      expect(full.disks.length).toBeGreaterThan(0);

      sampler.configure({ intervalMs: 0 }); // back to the sampler's own 500 ms
      await next();
      await next();
      expect(lastGap()).toBeLessThan(1400);
      expect(samples.at(-1)?.processes?.total).toBeGreaterThan(0);
    } finally {
      await sampler.stop();
    }
  });

  it("keeps the host id across sampler instances and lets an explicit id override it", async () => {
    const [a] = await samplesOf(1);
    const [b] = await samplesOf(1);
    expect(a?.hostId).toBeDefined();
    expect(b?.hostId).toBe(a?.hostId);
    expect(await resolveHostId("web-1.example")).toBe("web-1.example");
  });

  it("never overlaps two samples, even when onSample is slower than the interval", async () => {
    let active = 0;
    let most = 0;
    const samples = await samplesOf(3, async () => {
      active++;
      most = Math.max(most, active);
      await new Promise((resolve) => setTimeout(resolve, 900));
      active--;
    });
    expect(most).toBe(1);
    const times = samples.map(
      (s) => Number(s.sampledAt?.seconds) * 1000 + (s.sampledAt?.nanos ?? 0) / 1e6,
    );
    for (let i = 1; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(850);
    }
  });

  it("leaves nothing running after stop(): its process exits by itself", async () => {
    const script = fileURLToPath(
      new URL("../../../test/support/start-stop-sampler.ts", import.meta.url),
    );
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", script], {
      timeout: 15_000,
    });
    expect(stdout).toMatch(/^samples [1-9]\d*, timers left 0\n$/);
  });
});
