import { isIP } from "node:net";
import { setImmediate as nextTurn } from "node:timers/promises";
import { toBinary } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { type HostSample, HostSampleSchema } from "../../../gen/pulsar/v1/host_pb.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { HOST_ID_PATTERN } from "../../core/ids.js";
import { labelSetProblem } from "../../core/labels.js";
import { MAX_BATCH } from "../../core/push-limits.js";

// Defined in core, where the agent imports them too; also exported here, beside the push's
// other limits.
export { AGENT_BATCH_BYTES, MAX_BATCH } from "../../core/push-limits.js";

/**
 * MAX_SAMPLE_BYTES bounds one sample's protobuf binary size, whatever encoding it came in. A
 * small VM's sample is under 1 KiB; a Kubernetes node with 128 cores, 300 interfaces, 40 pod
 * volume mounts and 100 processes about 22 KiB, and up to 8 KiB more with 32 disks' I/O, 12
 * command lines of 200 characters and 20 labels at their longest. The per-field limits below alone would let
 * one reach ~1 MB.
 */
export const MAX_SAMPLE_BYTES = 32 * 1024;

/**
 * MAX_SAMPLE_JSON_BYTES is the largest a sample of MAX_SAMPLE_BYTES becomes in canonical
 * Connect JSON (toJson, no spaces): 3.7 times for the densest shape the per-field limits
 * allow (1,024 unnamed interfaces and hundreds of unnamed disks whose rates have 17
 * significant digits; sample-validation.test.ts pins it), rounded up to 4. Strings that JSON
 * must escape grow more, but no machine has them by the kilobyte.
 */
export const MAX_SAMPLE_JSON_BYTES = 4 * MAX_SAMPLE_BYTES;

/**
 * MAX_PUSH_BYTES is the request read limit of PushSamples: the agent's fullest batch
 * (AGENT_BATCH_BYTES) fits in either encoding (JSON, at most MAX_SAMPLE_JSON_BYTES /
 * MAX_SAMPLE_BYTES times the binary, being the larger), and so do MAX_BATCH ordinary samples as JSON. It is not sized for
 * MAX_BATCH of the largest samples (62.5 MiB of JSON: seconds of parsing on the event loop
 * every tenant shares): a client with samples that large sends them in smaller batches, as the
 * agent does.
 */
export const MAX_PUSH_BYTES = 8 * 1024 * 1024;

// Samples encoded between two turns of the event loop: a batch of the largest takes ~0.5 s to
// encode in all, which other requests should not wait behind.
const MEASURED_PER_TURN = 25;

/**
 * SAMPLE_LIMITS bound what one sample may hold. Generous for real machines (a Kubernetes node
 * has hundreds of veth interfaces, a big server a thousand logical cores), small enough that a
 * batch cannot make the API hold or store something absurd.
 */
const SAMPLE_LIMITS = {
  cores: 4096,
  disks: 512,
  interfaces: 1024,
  topProcesses: 100,
  /** Disks of disk_io (the sampler lists the 32 busiest). */
  diskIoDevices: 32,
  /** A process's command line, in characters (the sampler cuts it there). */
  command: 200,
  agentVersion: 40,
  /** sampled_at at most this far ahead of the API's clock (clock skew). */
  aheadMs: 5 * 60_000,
  /**
   * sampled_at at most this old: host_samples' daily partitions always exist from yesterday
   * (UTC) on, and HOST_RETENTION_DAYS is at least 1, so such a sample can always be stored; an
   * agent buffers an hour by default.
   */
  ageMs: 24 * 3600_000,
} as const;

const MAX_BYTES = 1e18;
// fs.file-max may be 2^63 - 1 (the kernel's "no limit"), which a double rounds up to 2^63.
const MAX_FILE_HANDLES = 2 ** 63;
const MAX_INT32 = 2 ** 31 - 1;
const MAX_LOAD = 1e6;
// Readings taken a few ms apart can overshoot 100 % a little; the sampler clamps, other
// clients may not.
const PERCENT_SLACK = 0.5;
const PROCESS_STATES = new Set([
  "",
  "running",
  "sleeping",
  "blocked",
  "zombie",
  "stopped",
  "unknown",
]);

const shown = (n: number) => (n >= 1e15 ? n.toExponential() : String(n));

function number(field: string, value: number, min: number, max: number, slack = 0): void {
  if (!Number.isFinite(value)) throw new InvalidArgumentError(field, "must be a finite number");
  if (value < min - slack || value > max + slack) {
    throw new InvalidArgumentError(field, `must be between ${shown(min)} and ${shown(max)}`);
  }
}

const percent = (field: string, value: number) => number(field, value, 0, 100, PERCENT_SLACK);
const bytes = (field: string, value: number) => number(field, value, 0, MAX_BYTES);

function count(field: string, value: number, max = MAX_INT32): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new InvalidArgumentError(field, `must be a whole number between 0 and ${shown(max)}`);
  }
}

// C0 and C1 control characters: text shown on one line (a device, a command line, a version)
// must not carry them into logs and pages.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function text(field: string, value: string, max: number, required = false): void {
  if (required && value === "") throw new InvalidArgumentError(field, "is required");
  if (value.length > max)
    throw new InvalidArgumentError(field, `must be at most ${max} characters`);
  // Postgres text cannot hold NUL; a sample carrying one could never be stored.
  if (value.includes("\u0000")) throw new InvalidArgumentError(field, "must not contain NUL");
}

/**
 * printable is text() that also refuses control characters; max counts characters (code
 * points), as the sampler cuts a command line.
 */
function printable(field: string, value: string, max: number, required = false): void {
  if (required && value === "") throw new InvalidArgumentError(field, "is required");
  // Cheap first: a string of at most max UTF-16 units has at most max code points.
  if (value.length > max && Array.from(value).length > max) {
    throw new InvalidArgumentError(field, `must be at most ${max} characters`);
  }
  if (CONTROL.test(value)) {
    throw new InvalidArgumentError(field, "must be printable (no control characters)");
  }
}

function list(field: string, values: readonly unknown[], max: number): void {
  if (values.length > max)
    throw new InvalidArgumentError(field, `must hold at most ${max} entries`);
}

/** sampleBytes is a sample's protobuf binary size, the size MAX_SAMPLE_BYTES bounds. */
export function sampleBytes(sample: HostSample): number {
  return toBinary(HostSampleSchema, sample).byteLength;
}

/**
 * measureSamples answers each sample's sampleBytes, in order, letting the event loop turn
 * between every few samples.
 */
export async function measureSamples(samples: readonly HostSample[]): Promise<number[]> {
  const sizes: number[] = [];
  for (const sample of samples) {
    if (sizes.length > 0 && sizes.length % MEASURED_PER_TURN === 0) await nextTurn();
    sizes.push(sampleBytes(sample));
  }
  return sizes;
}

/**
 * validateSamples checks a PushSamples batch against what the API stores and publishes, and
 * throws InvalidArgumentError naming the first bad field as the client spelled it
 * (`samples[3].cpu.totalPercent must be between 0 and 100`). `nowMs` is the API's clock;
 * `sizes` are the samples' sampleBytes (measureSamples), computed here when absent. Every
 * sample's size is checked before any field is: an oversized one is refused without a walk.
 */
export function validateSamples(
  samples: readonly HostSample[],
  nowMs: number,
  sizes: readonly number[] = samples.map(sampleBytes),
): void {
  if (samples.length === 0 || samples.length > MAX_BATCH) {
    throw new InvalidArgumentError("samples", `must hold between 1 and ${MAX_BATCH} samples`);
  }
  for (const [i, sample] of samples.entries()) {
    const size = sizes[i] ?? sampleBytes(sample);
    if (size > MAX_SAMPLE_BYTES) {
      throw new InvalidArgumentError(
        `samples[${i}]`,
        `is ${size} bytes; the limit is ${MAX_SAMPLE_BYTES}`,
      );
    }
  }
  for (const [i, sample] of samples.entries()) validateSample(`samples[${i}]`, sample, nowMs);
}

/** validateSample checks one sample; `at` is its path in the request. */
function validateSample(at: string, s: HostSample, nowMs: number): void {
  if (s.hostId === "") throw new InvalidArgumentError(`${at}.hostId`, "is required");
  if (!HOST_ID_PATTERN.test(s.hostId)) {
    throw new InvalidArgumentError(
      `${at}.hostId`,
      "must be 1–128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
    );
  }
  text(`${at}.hostname`, s.hostname, 255, true);
  validateTime(`${at}.sampledAt`, s, nowMs);

  if (!s.cpu) throw new InvalidArgumentError(`${at}.cpu`, "is required");
  percent(`${at}.cpu.totalPercent`, s.cpu.totalPercent);
  list(`${at}.cpu.perCorePercent`, s.cpu.perCorePercent, SAMPLE_LIMITS.cores);
  for (const [j, p] of s.cpu.perCorePercent.entries()) percent(`${at}.cpu.perCorePercent[${j}]`, p);
  number(`${at}.cpu.load1`, s.cpu.load1, 0, MAX_LOAD);
  number(`${at}.cpu.load5`, s.cpu.load5, 0, MAX_LOAD);
  number(`${at}.cpu.load15`, s.cpu.load15, 0, MAX_LOAD);

  if (!s.memory) throw new InvalidArgumentError(`${at}.memory`, "is required");
  const m = s.memory;
  for (const [name, value] of [
    ["totalBytes", m.totalBytes],
    ["usedBytes", m.usedBytes],
    ["availableBytes", m.availableBytes],
    ["swapTotalBytes", m.swapTotalBytes],
    ["swapUsedBytes", m.swapUsedBytes],
  ] as const) {
    bytes(`${at}.memory.${name}`, value);
  }

  list(`${at}.disks`, s.disks, SAMPLE_LIMITS.disks);
  s.disks.forEach((d, j) => {
    text(`${at}.disks[${j}].mount`, d.mount, 1024);
    text(`${at}.disks[${j}].fsType`, d.fsType, 64);
    bytes(`${at}.disks[${j}].sizeBytes`, d.sizeBytes);
    bytes(`${at}.disks[${j}].usedBytes`, d.usedBytes);
  });

  if (s.network) {
    bytes(`${at}.network.rxBytesPerSec`, s.network.rxBytesPerSec);
    bytes(`${at}.network.txBytesPerSec`, s.network.txBytesPerSec);
    list(`${at}.network.interfaces`, s.network.interfaces, SAMPLE_LIMITS.interfaces);
    s.network.interfaces.forEach((n, j) => {
      text(`${at}.network.interfaces[${j}].name`, n.name, 64);
      bytes(`${at}.network.interfaces[${j}].rxBytesPerSec`, n.rxBytesPerSec);
      bytes(`${at}.network.interfaces[${j}].txBytesPerSec`, n.txBytesPerSec);
    });
  }

  if (s.diskIo) {
    const io = s.diskIo;
    bytes(`${at}.diskIo.readBytesPerSec`, io.readBytesPerSec);
    bytes(`${at}.diskIo.writeBytesPerSec`, io.writeBytesPerSec);
    bytes(`${at}.diskIo.readOpsPerSec`, io.readOpsPerSec);
    bytes(`${at}.diskIo.writeOpsPerSec`, io.writeOpsPerSec);
    list(`${at}.diskIo.devices`, io.devices, SAMPLE_LIMITS.diskIoDevices);
    io.devices.forEach((d, j) => {
      const field = `${at}.diskIo.devices[${j}]`;
      printable(`${field}.name`, d.name, 64);
      bytes(`${field}.readBytesPerSec`, d.readBytesPerSec);
      bytes(`${field}.writeBytesPerSec`, d.writeBytesPerSec);
      bytes(`${field}.readOpsPerSec`, d.readOpsPerSec);
      bytes(`${field}.writeOpsPerSec`, d.writeOpsPerSec);
    });
  }

  if (s.fileHandles) {
    number(`${at}.fileHandles.allocated`, s.fileHandles.allocated, 0, MAX_FILE_HANDLES);
    number(`${at}.fileHandles.max`, s.fileHandles.max, 0, MAX_FILE_HANDLES);
  }

  if (s.processes) {
    const p = s.processes;
    for (const [name, value] of [
      ["total", p.total],
      ["running", p.running],
      ["sleeping", p.sleeping],
      ["blocked", p.blocked],
      ["zombie", p.zombie],
      ["threads", p.threads],
    ] as const) {
      count(`${at}.processes.${name}`, value);
    }
  }

  list(`${at}.topProcesses`, s.topProcesses, SAMPLE_LIMITS.topProcesses);
  s.topProcesses.forEach((p, j) => {
    const field = `${at}.topProcesses[${j}]`;
    count(`${field}.pid`, p.pid);
    text(`${field}.name`, p.name, 256);
    // ps counts a process busy on n cores as n × 100 %.
    number(`${field}.cpuPercent`, p.cpuPercent, 0, 100 * SAMPLE_LIMITS.cores);
    bytes(`${field}.memoryBytes`, p.memoryBytes);
    percent(`${field}.memoryPercent`, p.memoryPercent);
    count(`${field}.threads`, p.threads);
    if (!Number.isInteger(p.openFiles) || p.openFiles < -1 || p.openFiles > MAX_INT32) {
      throw new InvalidArgumentError(
        `${field}.openFiles`,
        `must be a whole number between -1 (not countable) and ${MAX_INT32}`,
      );
    }
    printable(`${field}.command`, p.command, SAMPLE_LIMITS.command);
    if (!PROCESS_STATES.has(p.state)) {
      throw new InvalidArgumentError(
        `${field}.state`,
        "must be running, sleeping, blocked, zombie, stopped or unknown",
      );
    }
  });

  if (s.info) {
    text(`${at}.info.os`, s.info.os, 256);
    text(`${at}.info.kernel`, s.info.kernel, 256);
    text(`${at}.info.arch`, s.info.arch, 64);
    text(`${at}.info.cpuModel`, s.info.cpuModel, 256);
    count(`${at}.info.cores`, s.info.cores, SAMPLE_LIMITS.cores);
    if (s.info.ipAddress !== "" && isIP(s.info.ipAddress) === 0) {
      throw new InvalidArgumentError(`${at}.info.ipAddress`, "must be an IPv4 or IPv6 address");
    }
    printable(`${at}.info.agentVersion`, s.info.agentVersion, SAMPLE_LIMITS.agentVersion);
    // The problem names the label's key itself.
    const problem = labelSetProblem(s.info.labels);
    if (problem) throw new InvalidArgumentError(`${at}.info.labels`, problem[1]);
  }
}

function validateTime(field: string, s: HostSample, nowMs: number): void {
  if (!s.sampledAt) throw new InvalidArgumentError(field, "is required");
  const { nanos } = s.sampledAt;
  if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
    throw new InvalidArgumentError(`${field}.nanos`, "must be between 0 and 999999999");
  }
  const ms = timestampMs(s.sampledAt);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(field, "must be a valid time");
  if (ms > nowMs + SAMPLE_LIMITS.aheadMs) {
    throw new InvalidArgumentError(
      field,
      "must not be more than 5 minutes in the future (is the agent's clock right?)",
    );
  }
  if (ms < nowMs - SAMPLE_LIMITS.ageMs) {
    throw new InvalidArgumentError(field, "must not be more than 24 hours old");
  }
}
