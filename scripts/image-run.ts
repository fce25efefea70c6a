// Runs a replayed runtime stage as the image would be run by docker-compose.yml: the API (the
// image's CMD) and a worker (compose's command), with the image's ENV and USER, against the
// local Postgres and Redis in a fresh schema and key prefix; then the health checks, the
// dashboard, the agent, and a graceful stop. Used by scripts/image-stage.ts.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, copyFile, mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { freePort } from "../internal/launcher/free-port.js";
import { TEST_DATABASE_URL } from "../test/support/postgres.js";
import { caddyVersion, checkThroughCaddy } from "./image-caddy.js";
import type { StageImage } from "./image-replay.js";

/** ComposeService is the part of a docker-compose.yml service this script reads. */
export interface ComposeService {
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  healthcheck?: { test?: string[] | string };
  volumes?: (string | { source?: string; target?: string })[];
}

/** RunOptions: the stage to run, with which Node, and compose's services beside it. */
export interface RunOptions {
  image: StageImage;
  node: string;
  services: Record<string, ComposeService>;
  log: (line: string) => void;
  root: string;
}

const DATABASE_URL = TEST_DATABASE_URL;
const REDIS_URL = "redis://127.0.0.1:6379/7";
const HEALTHY_WITHIN_MS = 60_000;
const STOP_WITHIN_MS = 40_000;
const AGENT_COMMAND = ["node", "dist/agent/pulsar-agent.mjs"];

/** Running is a started process and everything it has written. */
interface Running {
  name: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** runImage starts the API and a worker from the stage with `node` and checks them; throws. */
export async function runImage(options: RunOptions): Promise<void> {
  const { image, services, log } = options;
  const version = execFileSync(options.node, ["--version"], { encoding: "utf8" }).trim();
  const user = imageUser(image.user);
  const who = user.uid === undefined ? "this user" : `USER ${image.user} (uid ${user.uid})`;
  log(`running the image's processes with Node ${version} (${options.node}) as ${who}`);
  // The image's user may not reach a binary under someone's home directory: a copy beside the
  // stage, as the image has its own.
  const node =
    user.uid === undefined ? options.node : join(dirname(image.dir), `node-${version}`, "node");
  if (node !== options.node) {
    await mkdir(dirname(node), { recursive: true, mode: 0o755 });
    await copyFile(options.node, node);
    await chmod(node, 0o755);
  }
  const id = randomBytes(4).toString("hex");
  const schema = `image_stage_${id}`;
  const prefix = `image-stage-${id}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  const running: Running[] = [];
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    // Percent-encoded by hand: libpq (psql) does not read URLSearchParams' `+` as a space.
    const separator = DATABASE_URL.includes("?") ? "&" : "?";
    const databaseUrl = `${DATABASE_URL}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    await replayInitdb(services, databaseUrl, options);

    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      PATH: `${dirname(node)}:/usr/local/bin:/usr/bin:/bin`,
      HOME: image.dir,
      ...image.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      PORT: String(apiPort),
      METRICS_PORT: String(metricsPort),
    };
    const as = { ...user, cwd: image.dir, env };
    const withNode = (argv: string[]) => (argv[0] === "node" ? [node, ...argv.slice(1)] : argv);
    if (!image.cmd || !image.healthcheck)
      throw new Error("the runtime stage needs CMD and HEALTHCHECK");

    const worker = services.worker;
    const workerCommand =
      typeof worker?.command === "string" ? worker.command.split(/\s+/) : worker?.command;
    if (!workerCommand) throw new Error("docker-compose.yml: the worker service needs a command");
    const workerCheck = composeHealthcheck(worker, metricsPort);

    const api = start("api", withNode(image.cmd), as);
    running.push(api);
    const workerProcess = start("worker", withNode(workerCommand), as);
    running.push(workerProcess);
    await waitHealthy(api, withNode(image.healthcheck.command), as, log);
    await waitHealthy(workerProcess, withNode(workerCheck), as, log);

    const index = await fetch(`http://127.0.0.1:${apiPort}/`);
    const body = await index.text();
    const built = await readFile(join(image.dir, "dist/web/index.html"), "utf8");
    if (index.status !== 200 || body !== built) {
      throw new Error(`GET / answered ${index.status} without the built dashboard's index.html`);
    }
    const ready = await fetch(`http://127.0.0.1:${apiPort}/readyz`);
    if (ready.status !== 200) throw new Error(`GET /readyz answered ${ready.status}`);
    log("the API serves the dashboard (index.html) and is ready (/readyz 200)");
    if (caddyVersion()) {
      await checkThroughCaddy({ root: options.root, apiPort, indexHtml: built, log });
    } else {
      log("caddy is not installed: the Caddyfile in front of the API was not tried");
    }

    await checkAgent(
      withNode(AGENT_COMMAND),
      { ...as, env: { PATH: env.PATH, HOME: image.dir } },
      log,
    );

    for (const target of [api, workerProcess]) await stop(target, log);
    const after = await runOnce(withNode(image.healthcheck.command), as, 5_000);
    if (after.code !== 1)
      throw new Error(`the healthcheck exited ${after.code} with the API stopped`);
    log(`the healthcheck fails once the API is gone: ${after.output.trim()}`);
  } catch (error) {
    for (const { name, output } of running) {
      const tail = output.join("").trimEnd().split("\n").slice(-30).join("\n");
      log(`${name}'s output (last lines):\n${tail}`);
    }
    throw error;
  } finally {
    for (const { child } of running)
      if (child.exitCode === null && child.pid) child.kill("SIGKILL");
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await admin.end();
    await deleteKeys(prefix);
  }
}

/**
 * replayInitdb does what postgres' entrypoint does with compose's mount into
 * /docker-entrypoint-initdb.d: psql runs the file, stopping at the first error.
 */
async function replayInitdb(
  services: Record<string, ComposeService>,
  databaseUrl: string,
  options: RunOptions,
): Promise<void> {
  const mounts = (services.postgres?.volumes ?? []).map((volume) =>
    typeof volume === "string" ? volume.split(":") : [volume.source ?? "", volume.target ?? ""],
  );
  const initdb = mounts.filter(([, target]) => target?.startsWith("/docker-entrypoint-initdb.d/"));
  if (initdb.length === 0) throw new Error("docker-compose.yml: postgres mounts no init script");
  for (const [source = ""] of initdb) {
    const file = join(options.root, source);
    execFileSync("psql", ["-q", "-v", "ON_ERROR_STOP=1", "-d", databaseUrl, "-f", file], {
      stdio: ["ignore", "ignore", "inherit"],
      timeout: 60_000,
    });
    options.log(`postgres initdb: psql -f ${source} applied (as the entrypoint would)`);
  }
}

/** composeHealthcheck is the worker's compose healthcheck, aimed at this run's METRICS_PORT. */
function composeHealthcheck(service: ComposeService | undefined, metricsPort: number): string[] {
  const test = service?.healthcheck?.test;
  if (!Array.isArray(test) || test[0] !== "CMD") {
    throw new Error('docker-compose.yml: the worker needs a healthcheck ["CMD", …]');
  }
  const inContainer = String(service?.environment?.METRICS_PORT ?? 9464);
  return test.slice(1).map((arg) => arg.replace(`:${inContainer}/`, `:${metricsPort}/`));
}

/** imageUser is the uid/gid to run as: the image's USER when this script can switch to it. */
function imageUser(user: string | undefined): { uid?: number; gid?: number } {
  if (!user || user === "root" || process.getuid?.() !== 0) return {};
  try {
    const [, , uid, gid] = execFileSync("getent", ["passwd", user], { encoding: "utf8" }).split(
      ":",
    );
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    // The node images' `node` user; this machine has no user of that name.
    return { uid: 1000, gid: 1000 };
  }
}

type SpawnAs = { uid?: number; gid?: number; cwd: string; env: NodeJS.ProcessEnv };

function start(name: string, argv: string[], as: SpawnAs): Running {
  const [command = "", ...args] = argv;
  const child = spawn(command, args, { ...as, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { name, child, output, exited };
}

/** runOnce runs a command to its end (killed past timeoutMs) and returns its exit code. */
async function runOnce(
  argv: string[],
  as: SpawnAs,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  const run = start("healthcheck", argv, as);
  const timer = setTimeout(() => run.child.kill("SIGKILL"), timeoutMs);
  const { code } = await run.exited;
  clearTimeout(timer);
  return { code, output: run.output.join("") };
}

/** waitHealthy runs the healthcheck every second until it passes, the process dies, or 60 s. */
async function waitHealthy(
  target: Running,
  check: string[],
  as: SpawnAs,
  log: (line: string) => void,
): Promise<void> {
  const deadline = Date.now() + HEALTHY_WITHIN_MS;
  let last = "";
  while (Date.now() < deadline) {
    if (target.child.exitCode !== null) {
      throw new Error(`${target.name} exited ${target.child.exitCode} before it was healthy`);
    }
    const { code, output } = await runOnce(check, as, 5_000);
    last = output.trim();
    if (code === 0) {
      log(`${target.name} is healthy: ${last}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`${target.name} not healthy within ${HEALTHY_WITHIN_MS / 1000} s: ${last}`);
}

/** checkAgent runs the image's agent with no configuration: it must stop, naming PULSAR_URL. */
async function checkAgent(argv: string[], as: SpawnAs, log: (line: string) => void) {
  const { code, output } = await runOnce(argv, as, 15_000);
  if (code !== 1 || !output.includes("PULSAR_URL")) {
    throw new Error(`the agent without configuration exited ${code}: ${output.trim()}`);
  }
  log("the agent runs from the image (unconfigured, it stops naming PULSAR_URL)");
}

/** stop sends SIGTERM and requires a clean exit (code 0) within STOP_WITHIN_MS. */
async function stop(target: Running, log: (line: string) => void): Promise<void> {
  const began = Date.now();
  target.child.kill("SIGTERM");
  const timeout = new Promise<"timeout">((resolve) =>
    setTimeout(() => resolve("timeout"), STOP_WITHIN_MS).unref(),
  );
  const result = await Promise.race([target.exited, timeout]);
  if (result === "timeout") throw new Error(`${target.name} did not exit within 40 s of SIGTERM`);
  if (result.code !== 0) {
    throw new Error(`${target.name} exited ${result.code ?? result.signal} on SIGTERM, not 0`);
  }
  log(`${target.name} stopped on SIGTERM with exit code 0 in ${Date.now() - began} ms`);
}

/** deleteKeys removes this run's keys (its own prefix; never anything else in the database). */
async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const stream = redis.scanStream({ match: `${prefix}:*`, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}
