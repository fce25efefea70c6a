import { spawn } from "node:child_process";
import { once } from "node:events";
import { freePort } from "../../internal/launcher/free-port.js";
import { eventually } from "./eventually.js";
import { TEST_REDIS_URL, uniquePrefix } from "./redis.js";

/** ProductProcess is the whole product as `npm start` runs it (cmd/pulsar), on 127.0.0.1. */
export interface ProductProcess {
  /** http://127.0.0.1:<port> */
  base: string;
  /** What it has written (stdout and stderr) so far. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** ProductOptions say which build runs, against which database, and with what else. */
export interface ProductOptions {
  databaseUrl: string;
  /** Names the run's Redis keys (a unique QUEUE_PREFIX is made from it). */
  name: string;
  /** "source" runs cmd/pulsar/main.ts through tsx; "dist" the built dist/cmd/pulsar/main.js
   *  (`npm run build` first), as `npm start` does. */
  from: "source" | "dist";
  /** On top of the environment; LOG_LEVEL is warn unless set. */
  env?: Record<string, string>;
}

/**
 * startProduct runs the launcher (API and worker as its children) on a free port and resolves
 * once /readyz answers 200, within 60 s; if it never does, it is stopped and the promise
 * rejects with what it printed.
 */
export async function startProduct(options: ProductOptions): Promise<ProductProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const entry =
    options.from === "dist"
      ? ["dist/cmd/pulsar/main.js"]
      : ["--import", "tsx", "cmd/pulsar/main.ts"];
  const child = spawn(process.execPath, entry, {
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniquePrefix(options.name),
      PORT: String(port),
      LOG_LEVEL: "warn",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = once(child, "exit");
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  await eventually(
    () =>
      fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    {
      what: "the product to become ready",
      timeoutMs: 60_000,
      intervalMs: 200,
      giveUp: () => (child.exitCode !== null ? "the product exited" : undefined),
      detail: () => output,
    },
  ).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { base, output: () => output, stop };
}
