import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { freePort } from "../../internal/launcher/free-port.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** StackProcess is one Node process of the bench: its pid, and stop() to end it. */
export interface StackProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** stop sends SIGTERM, waits for the process's own graceful shutdown, SIGKILLs past 40 s. */
  stop(): Promise<void>;
}

/**
 * startProcess runs `node <script>` from the checkout's root with `env` added, its logs going
 * to this process's stderr (stdout is the bench's JSON). A process that dies before stop()
 * makes `died` reject: the bench measures the stack, not a stack with a hole in it.
 */
export function startProcess(
  name: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  stdout: "pipe" | "stderr" = "stderr",
): StackProcess & { died: Promise<never> } {
  const child = spawn(process.execPath, argv, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", stdout === "pipe" ? "pipe" : process.stderr, "inherit"],
  });
  let stopping = false;
  const died = new Promise<never>((_, reject) => {
    child.once("exit", (code, signal) => {
      if (!stopping) reject(new Error(`${name} exited (code ${code}, signal ${signal})`));
    });
  });
  died.catch(() => {}); // observed by whoever races it; never unhandled
  return {
    name,
    pid: child.pid ?? 0,
    child,
    died,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      const kill = setTimeout(() => child.kill("SIGKILL"), 40_000);
      child.kill("SIGTERM");
      await exited;
      clearTimeout(kill);
    },
  };
}

/** PulsarProcesses are the API and the workers, as `npm start`'s launcher runs them (one). */
export interface PulsarProcesses {
  api: StackProcess;
  workers: StackProcess[];
  /** The API's base URL, http://127.0.0.1:<port>. */
  baseUrl: string;
  /** Rejects when either process dies on its own. */
  died: Promise<never>;
  /** Resolves once both answer /readyz; rejects when one dies first or stays silent 60 s. */
  ready: Promise<void>;
}

/**
 * startPulsar runs the built API and worker (dist/cmd/{api,worker}/main.js) with `env`, as the
 * launcher behind `npm start` does (same Node, same environment, no restarts here), each on a
 * free port. It resolves as soon as both are spawned, so that the caller can stop them whatever
 * happens next; `ready` says when they serve.
 */
export async function startPulsar(
  env: NodeJS.ProcessEnv,
  workerCount = 1,
  /** Each worker's own variables on top of env (REGION, say), by index. */
  workerEnvs: readonly NodeJS.ProcessEnv[] = [],
): Promise<PulsarProcesses> {
  const apiPort = await freePort();
  // BENCH_API_NODE_ARGS likewise, for the API.
  const apiNodeArgs = process.env.BENCH_API_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const api = startProcess("api", [...apiNodeArgs, "dist/cmd/api/main.js"], {
    ...env,
    PORT: String(apiPort),
  });
  // e.g. BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": profile the workers
  // alone under load (Node refuses --cpu-prof in NODE_OPTIONS).
  const workerNodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const workerPorts: number[] = [];
  const workers: (StackProcess & { died: Promise<never> })[] = [];
  for (let i = 0; i < workerCount; i++) {
    const port = await freePort();
    workerPorts.push(port);
    workers.push(
      startProcess(
        workerCount === 1 ? "worker" : `worker${i + 1}`,
        [...workerNodeArgs, "dist/cmd/worker/main.js"],
        {
          ...env,
          ...workerEnvs[i],
          METRICS_PORT: String(port),
        },
      ),
    );
  }
  const died = Promise.race([api.died, ...workers.map((worker) => worker.died)]);
  died.catch(() => {});
  const all = Promise.all([apiPort, ...workerPorts].map(waitReady)).then(() => {});
  const ready = Promise.race([all, died]);
  ready.catch(() => {});
  return { api, workers, baseUrl: `http://127.0.0.1:${apiPort}`, died, ready };
}

async function waitReady(port: number): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
  }
  throw new Error(`nothing answered /readyz on port ${port} within 60 s`);
}

/**
 * startProbe runs the built remote probe (dist/cmd/probe/main.js) against the API with a probe
 * token; it reads nothing else of the environment that a probe elsewhere would not have.
 */
export function startProbe(
  name: string,
  baseUrl: string,
  token: string,
): StackProcess & { died: Promise<never> } {
  // e.g. BENCH_PROBE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof", as for the workers.
  const nodeArgs = process.env.BENCH_PROBE_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  return startProcess(name, [...nodeArgs, "dist/cmd/probe/main.js"], {
    PULSAR_URL: baseUrl,
    PULSAR_PROBE_TOKEN: token,
    // The bench's target is on 127.0.0.1, which a probe refuses by default.
    PULSAR_BLOCK_PRIVATE_TARGETS: "false",
    LOG_LEVEL: "warn",
  });
}
