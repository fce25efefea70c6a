import { type ChildProcess, spawn } from "node:child_process";
import type { Logger } from "../core/logger.js";

/** ChildSpec is one Node process the launcher keeps running. */
export interface ChildSpec {
  name: string;
  /** Absolute path of the script to run with this Node binary. */
  script: string;
}

/** Supervisor runs children and restarts them when they die; stop() ends them all. */
export interface Supervisor {
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;
/** A child that lived this long is considered healthy again: its backoff resets. */
const HEALTHY_AFTER_MS = 60_000;
const STOP_DEADLINE_MS = 35_000;

/**
 * supervise starts each child with `env` and restarts one that exits on its own, with
 * exponential backoff. stop() sends SIGTERM, waits for each child to finish its own graceful
 * shutdown, and SIGKILLs one that passes the deadline.
 */
export function supervise(specs: ChildSpec[], env: NodeJS.ProcessEnv, log: Logger): Supervisor {
  let stopping = false;
  const running = new Map<string, ChildProcess>();
  const timers = new Set<NodeJS.Timeout>();

  const start = (spec: ChildSpec, failures: number) => {
    const startedAt = Date.now();
    // execArgv carries loaders such as tsx, so children run the way the launcher runs.
    const child = spawn(process.execPath, [...process.execArgv, spec.script], {
      env,
      stdio: "inherit",
    });
    running.set(spec.name, child);
    child.once("exit", (code, signal) => {
      running.delete(spec.name);
      if (stopping) return;
      const streak = Date.now() - startedAt > HEALTHY_AFTER_MS ? 0 : failures + 1;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** streak);
      log.error(`${spec.name} exited; restarting`, { code, signal, inMs: delay });
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) start(spec, streak);
      }, delay);
      timers.add(timer);
    });
  };
  for (const spec of specs) start(spec, 0);

  return {
    async stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(
        [...running.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const kill = setTimeout(() => child.kill("SIGKILL"), STOP_DEADLINE_MS);
              child.once("exit", () => {
                clearTimeout(kill);
                resolve();
              });
              child.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}
