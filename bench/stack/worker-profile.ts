// bench/stack/worker-profile.ts: where a running worker's CPU goes, by part, as shares of its
// on-CPU samples. A share does not move with the machine's speed the way ms per check does
// (bench/README.md: the stack's figures moved by half between days), so a change of a few
// percent of the worker's CPU shows here when `bench/stack` cannot resolve it.
//
//   BENCH_WORKER_NODE_ARGS=--perf-prof npm run bench:stack -- --duration 90 ...  # one shell
//   npx tsx bench/stack/worker-profile.ts --seconds 30 [--pid PID]  # another, once warmed up
//   npx tsx bench/stack/worker-profile.ts --seconds 30 --script FILE  # or read `perf script`
//
// Runs `perf record -F 997 -g` on the worker (the only dist/cmd/worker/main.js running, or
// --pid) for --seconds, names its compiled JavaScript from V8's jitdump (`perf inject --jit`),
// reads the samples with `perf script` and prints JSON on stdout:
// - `parts`: each sample counted once, for the innermost frame that belongs to a known part
//   (undici, ioredis, pg...; kernel and V8 frames go to the JavaScript that called them);
// - `paths`: for each named path, the share of samples with it anywhere on the stack
//   (inclusive: the paths overlap).
// The jitdump (--perf-prof) times every code object's load and move; --perf-basic-prof's map
// does not, and code V8 moved or freed then lent its name to whatever came next at that
// address (8.7 % of one worker's samples went to msgpackr, which BullMQ calls once a job).
// Needs `perf` (Debian: linux-perf) and root, or a perf_event_paranoid that allows it.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

/** PARTS: a frame's part is the first whose pattern its text matches. */
const PARTS: readonly (readonly [RegExp, string])[] = [
  [/node_modules\/undici\//, "undici"],
  [
    /dist\/internal\/checks\/(http|tcp|dnsquery)\/|dist\/internal\/checks\/run-target/,
    "check (ours)",
  ],
  [/dist\/internal\/dns\//, "dns (ours)"],
  [/node_modules\/bullmq\//, "bullmq"],
  [/node_modules\/(ioredis|redis-parser|denque|cluster-key-slot)\//, "ioredis"],
  [/node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-array|@pgtyped)\//, "pg"],
  [/node_modules\/@bufbuild\//, "protobuf"],
  [/node_modules\/msgpackr\//, "msgpackr"],
  [/node_modules\/prom-client\//, "prom-client"],
  [/dist\/internal\/metrics\//, "metrics (ours)"],
  [/dist\/internal\/stream\//, "stream (ours)"],
  [/dist\/internal\/checks\/results\//, "results (ours)"],
  [/dist\/internal\/checks\/status\//, "status (ours)"],
  [/dist\/internal\/checks\//, "checks, other (ours)"],
  [/dist\/internal\/db\//, "db (ours)"],
  [/dist\/internal\//, "other (ours)"],
  [/node_modules\//, "other library"],
];

/** PATHS: inclusive shares of paths that earlier sessions measured or changed. */
const PATHS: readonly (readonly [string, RegExp])[] = [
  ["garbage collection (scavenges, main thread)", /Scavenge/],
  ["prom-client", /node_modules\/prom-client\//],
  ["protobuf", /node_modules\/@bufbuild\//],
  ["BullMQ moveToActive", /moveToActive/],
  ["BullMQ moveToFinished", /moveToFinished/],
  ["BullMQ adding jobs (the dispatcher)", /addJobs? \S*bullmq/],
  ["ioredis Pipeline constructor", /ioredis\/built\/Pipeline\.js:26:/],
  ["ioredis auto-pipelining", /executeAutoPipeline/],
  ["storing results (storeCheckResultsIn)", /storeCheckResultsIn/],
  ["pg serializing parameters", /pg-protocol\/dist\/serializer\.js/],
  ["publishing results", /publishCheckResults/],
  ["decoding a job's checks", /decodeCheckBatch/],
];

/** Shares of samples, by name, largest first; each a fraction of all samples. */
export interface WorkerProfile {
  samples: number;
  /** Samples of the main thread and of V8's helper threads (concurrent GC, compiling). */
  threads: Record<string, number>;
  parts: Record<string, number>;
  paths: Record<string, number>;
}

/** profileOf reads `perf script` output (samples with call chains, blank-line separated). */
function profileOf(script: string): WorkerProfile {
  const parts = new Map<string, number>();
  const paths = new Map<string, number>(PATHS.map(([name]) => [name, 0]));
  const threads = new Map<string, number>();
  let samples = 0;
  for (const block of script.split("\n\n")) {
    const lines = block.split("\n").filter((line) => line.trim() !== "");
    const [header, ...frames] = lines;
    if (header === undefined || frames.length === 0) continue;
    samples++;
    const thread = header.trim().split(/\s+/)[0] ?? "?";
    const threadName = thread === "MainThread" || thread === "node" ? "main" : thread;
    threads.set(threadName, (threads.get(threadName) ?? 0) + 1);
    let part: string | undefined;
    for (const frame of frames) {
      part = PARTS.find(([pattern]) => pattern.test(frame))?.[1];
      if (part !== undefined) break;
    }
    if (part === undefined) {
      const text = frames.join("\n");
      if (/Scaveng|MarkCompact|ConcurrentMarking|Sweeper|Heap::|GCTracer/.test(text)) {
        part = "garbage collection";
      } else if (!/JS:/.test(text)) part = "no JavaScript on the stack (loop, kernel, V8)";
      else part = "Node.js's own JavaScript";
    }
    if (threadName !== "main") part = `${threadName}: ${part}`;
    parts.set(part, (parts.get(part) ?? 0) + 1);
    for (const [name, pattern] of PATHS) {
      if (frames.some((frame) => pattern.test(frame))) paths.set(name, (paths.get(name) ?? 0) + 1);
    }
  }
  const shares = (counts: Map<string, number>) =>
    Object.fromEntries(
      [...counts]
        .sort((a, b) => b[1] - a[1])
        .map(([name, count]) => [name, Number((count / Math.max(1, samples)).toFixed(4))]),
    );
  return { samples, threads: shares(threads), parts: shares(parts), paths: shares(paths) };
}

/** recordProfile records the worker for `seconds` and returns `perf script`'s text. */
function recordProfile(pid: string, seconds: number, dir: string): string {
  const data = join(dir, "perf.data");
  const injected = join(dir, "perf.jit.data");
  // -k mono: the clock of V8's jitdump, which perf inject matches samples against.
  const record = spawnSync(
    "perf",
    [
      "record",
      "-k",
      "mono",
      "-F",
      "997",
      "-g",
      "-p",
      pid,
      "-o",
      data,
      "--",
      "sleep",
      String(seconds),
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  if (record.error)
    throw new Error(`perf record: ${record.error.message} (is linux-perf installed?)`);
  if (record.status !== 0) throw new Error(`perf record exited with ${record.status}`);
  // V8 writes jit-<pid>.dump in the worker's working directory; perf inject writes one
  // jitted-<pid>-N.so per compiled function beside it. Both are removed afterwards.
  const workerDir = readlinkSync(`/proc/${pid}/cwd`);
  try {
    execFileSync("perf", ["inject", "--jit", "-i", data, "-o", injected], { stdio: "ignore" });
    return execFileSync("perf", ["script", "-i", injected], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
      stdio: ["ignore", "pipe", "ignore"],
    });
  } finally {
    for (const name of readdirSync(workerDir)) {
      if (
        name === `jit-${pid}.dump` ||
        (name.startsWith(`jitted-${pid}-`) && name.endsWith(".so"))
      ) {
        rmSync(join(workerDir, name), { force: true });
      }
    }
  }
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      seconds: { type: "string", default: "30" },
      pid: { type: "string" },
      /** Reads this `perf script` output instead of recording (its samples at 997 Hz). */
      script: { type: "string" },
    },
  });
  const seconds = Number(args.seconds);
  if (!(seconds > 0)) throw new Error("--seconds must be a positive number");
  let script: string;
  let pid: string | undefined;
  if (args.script !== undefined) script = readFileSync(args.script, "utf8");
  else {
    pid =
      args.pid ??
      execFileSync("pgrep", ["-f", "dist/cmd/worker/main.js"], { encoding: "utf8" })
        .trim()
        .split("\n")
        .filter(Boolean)
        .join(",");
    if (pid === "" || pid.includes(",")) {
      throw new Error(`one worker must be running, or pass --pid (found: ${pid || "none"})`);
    }
    const dir = mkdtempSync(join(tmpdir(), "worker-profile-"));
    try {
      script = recordProfile(pid, seconds, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const profile = profileOf(script);
  // perf samples each thread at 997 Hz while it runs: samples a second are its CPU in ms.
  const cpuMsPerSecond = Number(((profile.samples / seconds) * (1000 / 997)).toFixed(1));
  const recorded = pid === undefined ? {} : { pid: Number(pid) };
  console.log(JSON.stringify({ ...recorded, seconds, cpuMsPerSecond, ...profile }, null, 2));
}

await main();
