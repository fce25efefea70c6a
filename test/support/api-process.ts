import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort } from "../../internal/launcher/free-port.js";
import { eventually } from "./eventually.js";
import { TEST_REDIS_URL } from "./redis.js";

/** ApiProcess is a real cmd/api process listening on 127.0.0.1. */
export interface ApiProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** What it has written to stderr so far (its log). */
  stderr(): string;
  /** VmRSS and VmHWM (the peak) from /proc/<pid>/status, in bytes. */
  memory(): { rssBytes: number; peakRssBytes: number };
  /** SIGTERM, then SIGKILL if it has not exited within 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** ApiProcessOptions say which tree runs, against which database, and with what else. */
export interface ApiProcessOptions {
  databaseUrl: string;
  prefix: string;
  /** The checkout whose cmd/api/main.ts runs (tsx from its node_modules); default this one. */
  root?: string;
  /** On top of the environment; LOG_LEVEL is error unless set. */
  env?: Record<string, string>;
  /** How long it may take to answer /readyz; default 30 s. */
  readyWithinMs?: number;
  /** The port to listen on (an API restarted where its clients know it); default a free one. */
  port?: number;
}

const THIS_CHECKOUT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * startApiProcess runs cmd/api from source (tsx) on a free port and resolves once /readyz
 * answers 200. Stopping it is the caller's job (stop()); if it never gets ready, it is killed
 * and the promise rejects with its stderr.
 */
export async function startApiProcess(options: ApiProcessOptions): Promise<ApiProcess> {
  const root = options.root ?? THIS_CHECKOUT;
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ["--import", "tsx", "cmd/api/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: options.prefix,
      PORT: String(port),
      LOG_LEVEL: "error",
      ...options.env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, "exit");
  const baseUrl = `http://127.0.0.1:${port}`;
  const pid = child.pid;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  await eventually(() => isReady(baseUrl), {
    what: `cmd/api to get ready on port ${port}`,
    timeoutMs: options.readyWithinMs ?? 30_000,
    intervalMs: 100,
    giveUp: () => (pid === undefined || child.exitCode !== null ? "it exited" : undefined),
    detail: () => stderr.slice(-4000),
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return {
    child,
    pid: pid ?? 0,
    port,
    baseUrl,
    stderr: () => stderr,
    memory: () => memoryOf(pid ?? 0),
    stop,
  };
}

async function isReady(baseUrl: string): Promise<boolean> {
  const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(3000) }).catch(
    () => undefined,
  );
  await res?.body?.cancel();
  return res?.status === 200;
}

/** memoryOf reads a process's resident set and its peak (kB in /proc) in bytes. */
export function memoryOf(pid: number): { rssBytes: number; peakRssBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kB = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rssBytes: kB("VmRSS") * 1024, peakRssBytes: kB("VmHWM") * 1024 };
}
