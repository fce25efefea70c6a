import { type ChildProcess, spawn } from "node:child_process";
import { TEST_REDIS_URL } from "./redis.js";

/** WorkerProcess is a real cmd/worker process and what it has written to stderr so far. */
export interface WorkerProcess {
  child: ChildProcess;
  stderr(): string;
}

/**
 * startWorkerProcess runs cmd/worker from source (tsx) against the test's database and Redis
 * under the test's queue prefix, with a metrics port of its own (other tests run workers at
 * the same time); `env` goes on top. Stopping it is the caller's job.
 */
export function startWorkerProcess(
  test: { databaseUrl: string; prefix: string },
  env: Record<string, string> = {},
): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "cmd/worker/main.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: test.databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: test.prefix,
      METRICS_PORT: "0",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return { child, stderr: () => stderr };
}
