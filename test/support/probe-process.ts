import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

/** ProbeProcess is a real cmd/probe process and what it has written to stderr so far. */
export interface ProbeProcess {
  child: ChildProcess;
  stderr(): string;
  /** Resolves with its exit code (null when killed by a signal) once it has exited. */
  exited: Promise<number | null>;
}

/**
 * startProbeProcess runs cmd/probe from source (tsx) against an API, with a probe token;
 * `env` goes on top (REGION, LOG_LEVEL…). It gets nothing of the test's environment but PATH:
 * a probe knows only what it is given. Stopping it is the caller's job.
 */
export function startProbeProcess(
  api: { baseUrl: string; token: string },
  env: Record<string, string> = {},
): ProbeProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "cmd/probe/main.ts"], {
    env: {
      PATH: process.env.PATH ?? "",
      PULSAR_URL: api.baseUrl,
      PULSAR_PROBE_TOKEN: api.token,
      // The tests' targets are on 127.0.0.1, which a probe refuses by default.
      PULSAR_BLOCK_PRIVATE_TARGETS: "false",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { child, stderr: () => stderr, exited };
}
