import { execFile } from "node:child_process";
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
