import { create, toBinary, toJsonString } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  DiskDeviceIoSampleSchema,
  DiskSampleSchema,
  type HostSample,
  HostSampleSchema,
  NetworkInterfaceSampleSchema,
  ProcessInfoSchema,
} from "../../../gen/pulsar/v1/host_pb.js";
import { PushSamplesRequestSchema } from "../../../gen/pulsar/v1/ingest_pb.js";
import {
  AGENT_BATCH_BYTES,
  MAX_BATCH,
  MAX_PUSH_BYTES,
  MAX_SAMPLE_BYTES,
  MAX_SAMPLE_JSON_BYTES,
  measureSamples,
  sampleBytes,
  validateSamples,
} from "./sample-validation.js";

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

/** full is a sample with every part filled in, as the sampler makes them. */
function full(): HostSample {
  return create(HostSampleSchema, {
    hostId: "web-1.example:a_b-c",
    hostname: "web-1",
    sampledAt: timestampFromMs(NOW - 2000),
    cpu: { totalPercent: 100.2, perCorePercent: [0, 100], load1: 0.5, load5: 1, load15: 2 },
    memory: { totalBytes: 8e9, usedBytes: 2e9, availableBytes: 6e9, swapTotalBytes: 0 },
    disks: [{ mount: "/", fsType: "ext4", sizeBytes: 1e12, usedBytes: 1e11 }],
    network: {
      rxBytesPerSec: 100,
      txBytesPerSec: 0,
      interfaces: [{ name: "eth0", rxBytesPerSec: 100, txBytesPerSec: 0 }],
    },
    processes: { total: 100, running: 1, sleeping: 99, threads: 300 },
    topProcesses: [
      {
        pid: 1,
        name: "init",
        cpuPercent: 250,
        memoryBytes: 1e6,
        state: "sleeping",
        memoryPercent: 100.3,
        threads: 1,
        openFiles: -1,
        command: "/sbin/init splash",
      },
    ],
    info: {
      os: "Debian GNU/Linux 12",
      kernel: "6.1",
      arch: "x64",
      cpuModel: "EPYC",
      cores: 2,
      ipAddress: "2001:db8::1",
      agentVersion: "1.4.0-rc.1+build.7",
      labels: { env: "prod", "team.db_1-a": "Ünïcode ok" },
    },
    diskIo: {
      readBytesPerSec: 1e6,
      writeBytesPerSec: 0,
      readOpsPerSec: 10.5,
      writeOpsPerSec: 0,
      devices: [{ name: "nvme0n1", readBytesPerSec: 1e6, readOpsPerSec: 10.5 }],
    },
    fileHandles: { allocated: 1234, max: 2 ** 63 },
  });
}

/**
 * densest is the valid sample of at most MAX_SAMPLE_BYTES that grows most as JSON: every
 * string at its longest, then as many entries as fit with no name and 17-digit numbers (a
 * field name and a number in JSON for 9 bytes in binary). No labels: a label is about as long
 * in JSON as in binary, so they would only make the sample less dense.
 */
function densest(): HostSample {
  const odd = 0.30000000000000004;
  const sample = create(HostSampleSchema, {
    hostId: `h${"x".repeat(127)}`,
    hostname: "y".repeat(255),
    sampledAt: { seconds: BigInt(Math.floor(NOW / 1000) - 2), nanos: 123_456_789 },
    cpu: { totalPercent: odd, load1: odd, load5: odd, load15: odd },
    memory: {
      totalBytes: odd,
      usedBytes: odd,
      availableBytes: odd,
      swapTotalBytes: odd,
      swapUsedBytes: odd,
    },
    network: { rxBytesPerSec: odd, txBytesPerSec: odd },
    processes: { total: 2 ** 31 - 1, running: 2 ** 31 - 1, threads: 2 ** 31 - 1 },
    info: {
      os: "o".repeat(256),
      kernel: "k".repeat(256),
      arch: "a".repeat(64),
      cores: 4096,
      ipAddress: "255.255.255.255",
      agentVersion: "v".repeat(40),
    },
    diskIo: {
      readBytesPerSec: odd,
      writeBytesPerSec: odd,
      readOpsPerSec: odd,
      writeOpsPerSec: odd,
    },
    fileHandles: { allocated: odd, max: odd },
  });
  for (let i = 0; i < 32; i++) {
    sample.diskIo?.devices.push(
      create(DiskDeviceIoSampleSchema, {
        readBytesPerSec: odd,
        writeBytesPerSec: odd,
        readOpsPerSec: odd,
        writeOpsPerSec: odd,
      }),
    );
  }
  for (let i = 0; i < 100; i++) {
    sample.topProcesses.push(
      create(ProcessInfoSchema, {
        pid: 2 ** 31 - 1,
        cpuPercent: odd,
        memoryBytes: odd,
        state: "sleeping",
        memoryPercent: odd,
        threads: 2 ** 31 - 1,
        openFiles: 2 ** 31 - 1,
      }),
    );
  }
  const interfaces = sample.network?.interfaces ?? [];
  for (let i = 0; i < 1024; i++) {
    interfaces.push(
      create(NetworkInterfaceSampleSchema, { rxBytesPerSec: odd, txBytesPerSec: odd }),
    );
  }
  const disk = create(DiskSampleSchema, { sizeBytes: odd, usedBytes: odd });
  while (
    sampleBytes(sample) + sampleBytes(create(HostSampleSchema, { disks: [disk] })) <=
    MAX_SAMPLE_BYTES
  ) {
    sample.disks.push(disk);
  }
  return sample;
}

/** refusal validates a one-sample batch changed by `change` and returns the message. */
function refusal(change: (s: HostSample) => void): string {
  const sample = full();
  change(sample);
  try {
    validateSamples([full(), sample], NOW);
  } catch (error) {
    return (error as Error).message;
  }
  return "accepted";
}

describe("validateSamples", () => {
  it("accepts complete samples, and minimal ones with only cpu and memory", () => {
    expect(() => validateSamples([full()], NOW)).not.toThrow();
    const minimal = create(HostSampleSchema, {
      hostId: "h",
      hostname: "h",
      sampledAt: timestampFromMs(NOW),
      cpu: {},
      memory: {},
    });
    expect(() => validateSamples([minimal], NOW)).not.toThrow();
  });

  it("names the field of the first problem, as the client spelled it", () => {
    const cases: [string | RegExp, (s: HostSample) => void][] = [
      [
        "samples[1].hostId is required",
        (s) => {
          s.hostId = "";
        },
      ],
      [
        "samples[1].hostId must be 1–128 letters",
        (s) => {
          s.hostId = "has space";
        },
      ],
      [
        "samples[1].hostId must be 1–128 letters",
        (s) => {
          s.hostId = "x".repeat(129);
        },
      ],
      [
        "samples[1].hostname is required",
        (s) => {
          s.hostname = "";
        },
      ],
      [
        "samples[1].hostname must be at most 255 characters",
        (s) => {
          s.hostname = "h".repeat(256);
        },
      ],
      [
        "samples[1].sampledAt is required",
        (s) => {
          s.sampledAt = undefined;
        },
      ],
      [
        "samples[1].sampledAt must not be more than 5 minutes in the future",
        (s) => {
          s.sampledAt = timestampFromMs(NOW + 6 * 60_000);
        },
      ],
      [
        "samples[1].sampledAt must not be more than 24 hours old",
        (s) => {
          s.sampledAt = timestampFromMs(NOW - 25 * 3600_000);
        },
      ],
      [
        "samples[1].cpu is required",
        (s) => {
          s.cpu = undefined;
        },
      ],
      [
        "samples[1].memory is required",
        (s) => {
          s.memory = undefined;
        },
      ],
      [
        "samples[1].cpu.totalPercent must be between 0 and 100",
        (s) => {
          if (s.cpu) s.cpu.totalPercent = 101;
        },
      ],
      [
        "samples[1].cpu.totalPercent must be between 0 and 100",
        (s) => {
          if (s.cpu) s.cpu.totalPercent = -1;
        },
      ],
      [
        "samples[1].cpu.totalPercent must be a finite number",
        (s) => {
          if (s.cpu) s.cpu.totalPercent = Number.NaN;
        },
      ],
      [
        "samples[1].cpu.perCorePercent[1] must be between 0 and 100",
        (s) => {
          if (s.cpu) s.cpu.perCorePercent = [1, 200];
        },
      ],
      [
        // 4,097 doubles are 32 KiB on their own: the size limit speaks first.
        /^samples\[1\] is 33\d{3} bytes; the limit is 32768$/,
        (s) => {
          if (s.cpu) s.cpu.perCorePercent = new Array(4097).fill(1);
        },
      ],
      [
        "samples[1].cpu.load5 must be a finite number",
        (s) => {
          if (s.cpu) s.cpu.load5 = Number.POSITIVE_INFINITY;
        },
      ],
      [
        "samples[1].memory.usedBytes must be between 0 and 1e+18",
        (s) => {
          if (s.memory) s.memory.usedBytes = -1;
        },
      ],
      [
        "samples[1].disks[0].usedBytes must be between 0 and 1e+18",
        (s) => {
          if (s.disks[0]) s.disks[0].usedBytes = 1e19;
        },
      ],
      [
        "samples[1].disks must hold at most 512 entries",
        (s) => {
          s.disks = new Array(513).fill(s.disks[0]);
        },
      ],
      [
        "samples[1].disks[0].mount must not contain NUL",
        (s) => {
          if (s.disks[0]) s.disks[0].mount = "/a\u0000b";
        },
      ],
      [
        "samples[1].network.interfaces[0].name must be at most 64 characters",
        (s) => {
          const first = s.network?.interfaces[0];
          if (first) first.name = "n".repeat(65);
        },
      ],
      [
        "samples[1].processes.zombie must be a whole number between 0 and 2147483647",
        (s) => {
          if (s.processes) s.processes.zombie = -3;
        },
      ],
      [
        "samples[1].topProcesses must hold at most 100 entries",
        (s) => {
          s.topProcesses = new Array(101).fill(s.topProcesses[0]);
        },
      ],
      [
        "samples[1].topProcesses[0].state must be running, sleeping",
        (s) => {
          if (s.topProcesses[0]) s.topProcesses[0].state = "weird";
        },
      ],
      [
        "samples[1].info.cores must be a whole number between 0 and 4096",
        (s) => {
          if (s.info) s.info.cores = 5000;
        },
      ],
      [
        "samples[1].diskIo.readBytesPerSec must be a finite number",
        (s) => {
          if (s.diskIo) s.diskIo.readBytesPerSec = Number.NaN;
        },
      ],
      [
        "samples[1].diskIo.writeOpsPerSec must be between 0 and 1e+18",
        (s) => {
          if (s.diskIo) s.diskIo.writeOpsPerSec = -1;
        },
      ],
      [
        "samples[1].diskIo.devices must hold at most 32 entries",
        (s) => {
          if (s.diskIo) s.diskIo.devices = new Array(33).fill(s.diskIo.devices[0]);
        },
      ],
      [
        "samples[1].diskIo.devices[0].name must be at most 64 characters",
        (s) => {
          const first = s.diskIo?.devices[0];
          if (first) first.name = "d".repeat(65);
        },
      ],
      [
        "samples[1].diskIo.devices[0].name must be printable (no control characters)",
        (s) => {
          const first = s.diskIo?.devices[0];
          if (first) first.name = "sda\u001b[31m";
        },
      ],
      [
        "samples[1].diskIo.devices[0].writeBytesPerSec must be a finite number",
        (s) => {
          const first = s.diskIo?.devices[0];
          if (first) first.writeBytesPerSec = Number.POSITIVE_INFINITY;
        },
      ],
      [
        "samples[1].fileHandles.allocated must be between 0 and 9.223372036854776e+18",
        (s) => {
          if (s.fileHandles) s.fileHandles.allocated = -5;
        },
      ],
      [
        "samples[1].fileHandles.max must be a finite number",
        (s) => {
          if (s.fileHandles) s.fileHandles.max = Number.POSITIVE_INFINITY;
        },
      ],
      [
        "samples[1].topProcesses[0].memoryPercent must be between 0 and 100",
        (s) => {
          if (s.topProcesses[0]) s.topProcesses[0].memoryPercent = 101;
        },
      ],
      [
        "samples[1].topProcesses[0].threads must be a whole number between 0 and 2147483647",
        (s) => {
          if (s.topProcesses[0]) s.topProcesses[0].threads = -1;
        },
      ],
      [
        "samples[1].topProcesses[0].openFiles must be a whole number between -1 (not countable)",
        (s) => {
          if (s.topProcesses[0]) s.topProcesses[0].openFiles = -2;
        },
      ],
      [
        "samples[1].topProcesses[0].command must be at most 200 characters",
        (s) => {
          if (s.topProcesses[0]) s.topProcesses[0].command = "c".repeat(201);
        },
      ],
      [
        "samples[1].topProcesses[0].command must be printable (no control characters)",
        (s) => {
          if (s.topProcesses[0]) s.topProcesses[0].command = "sh -c 'a\nb'";
        },
      ],
      [
        "samples[1].info.ipAddress must be an IPv4 or IPv6 address",
        (s) => {
          if (s.info) s.info.ipAddress = "10.0.0.256";
        },
      ],
      [
        "samples[1].info.agentVersion must be at most 40 characters",
        (s) => {
          if (s.info) s.info.agentVersion = "1".repeat(41);
        },
      ],
      [
        "samples[1].info.agentVersion must be printable (no control characters)",
        (s) => {
          if (s.info) s.info.agentVersion = "1.0\r\n";
        },
      ],
      [
        "samples[1].info.labels must hold at most 20 labels",
        (s) => {
          if (s.info) {
            s.info.labels = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, ""]));
          }
        },
      ],
      [
        'samples[1].info.labels key "Env" must be 1–63 lowercase letters',
        (s) => {
          if (s.info) s.info.labels = { Env: "prod" };
        },
      ],
      [
        'samples[1].info.labels value of "env" must be at most 100 characters',
        (s) => {
          if (s.info) s.info.labels = { env: "p".repeat(101) };
        },
      ],
      [
        'samples[1].info.labels value of "env" must be printable',
        (s) => {
          if (s.info) s.info.labels = { env: "a\u0007" };
        },
      ],
    ];
    for (const [message, change] of cases) expect(refusal(change)).toMatch(message);
  });

  it("accepts the new readings at their bounds: 32 disks, 200-character commands, -1 open files", () => {
    const sample = full();
    if (!sample.diskIo || !sample.info || !sample.topProcesses[0])
      throw new Error("full() changed");
    sample.diskIo.devices = Array.from({ length: 32 }, (_, i) =>
      create(DiskDeviceIoSampleSchema, { name: `${"d".repeat(62)}${i}`.slice(-64) }),
    );
    sample.topProcesses[0].command = "😀".repeat(200); // 200 characters, 400 UTF-16 units
    sample.topProcesses[0].openFiles = -1;
    sample.topProcesses[0].memoryPercent = 100.5; // as CPU: readings a few ms apart overshoot
    sample.info.ipAddress = "";
    sample.info.agentVersion = "";
    sample.info.labels = {};
    sample.diskIo.devices[0] = create(DiskDeviceIoSampleSchema, { name: "" });
    expect(() => validateSamples([sample], NOW)).not.toThrow();
    sample.diskIo = undefined;
    sample.fileHandles = undefined;
    expect(() => validateSamples([sample], NOW)).not.toThrow();
  });

  it("bounds the batch: 1 to 500 samples", () => {
    expect(() => validateSamples([], NOW)).toThrow("samples must hold between 1 and 500 samples");
    const many = Array.from({ length: 501 }, full);
    expect(() => validateSamples(many, NOW)).toThrow("samples must hold between 1 and 500 samples");
    expect(() => validateSamples(many.slice(0, 500), NOW)).not.toThrow();
  });

  it("refuses a sample over 32 KiB of protobuf binary, naming it, before looking at any field", () => {
    const big = full();
    big.disks = Array.from({ length: 300 }, (_, i) =>
      create(DiskSampleSchema, { mount: `/var/lib/volumes/${"v".repeat(90)}${i}`, sizeBytes: 1 }),
    );
    const broken = full();
    if (broken.cpu) broken.cpu.totalPercent = 150;
    expect(() => validateSamples([broken, full(), big], NOW)).toThrow(
      `samples[2] is ${sampleBytes(big)} bytes; the limit is 32768`,
    );
    // The per-field limits alone let a sample be about 1 MB (512 disks of 1 KiB mounts).
    big.disks = Array.from({ length: 512 }, () =>
      create(DiskSampleSchema, { mount: "m".repeat(1024) }),
    );
    expect(sampleBytes(big)).toBeGreaterThan(500_000);
    expect(() => validateSamples([big], NOW)).toThrow(
      /^samples\[0\] is \d+ bytes; the limit is 32768$/,
    );
    // Sizes measured already are used as given.
    expect(() => validateSamples([full()], NOW, [MAX_SAMPLE_BYTES + 1])).toThrow(
      "samples[0] is 32769 bytes; the limit is 32768",
    );
  });

  it("accepts the densest valid sample, and sizes the read limit for the agent's fullest batch of them in JSON", () => {
    const sample = densest();
    const binary = sampleBytes(sample);
    expect(binary).toBeLessThanOrEqual(MAX_SAMPLE_BYTES);
    expect(binary).toBeGreaterThan(MAX_SAMPLE_BYTES - 32);
    expect(() => validateSamples([sample], NOW)).not.toThrow();
    const json = toJsonString(HostSampleSchema, sample).length;
    expect(json / binary).toBeGreaterThan(3.4);
    expect(json).toBeLessThanOrEqual(MAX_SAMPLE_JSON_BYTES);
    // {"samples":[s,s,…]} as the agent would batch them (AGENT_BATCH_BYTES of binary), in JSON.
    const inAgentBatch = Math.floor(AGENT_BATCH_BYTES / binary);
    const wrapper = toJsonString(PushSamplesRequestSchema, create(PushSamplesRequestSchema)).length;
    expect(wrapper + '"samples":[]'.length + inAgentBatch * (json + 1)).toBeLessThanOrEqual(
      MAX_PUSH_BYTES,
    );
    // And MAX_BATCH samples of an ordinary host.
    const ordinary = toJsonString(
      PushSamplesRequestSchema,
      create(PushSamplesRequestSchema, { samples: Array.from({ length: MAX_BATCH }, full) }),
    );
    expect(ordinary.length).toBeLessThanOrEqual(MAX_PUSH_BYTES);
  });

  it("measures each sample's binary size, letting the event loop turn while it does", async () => {
    const samples = [full(), densest(), ...Array.from({ length: 98 }, full)];
    let turns = 0;
    let done = false;
    const tick = () => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const sizes = await measureSamples(samples);
    done = true;
    expect(sizes).toEqual(samples.map((s) => toBinary(HostSampleSchema, s).byteLength));
    expect(turns).toBeGreaterThanOrEqual(3);
  });
});
