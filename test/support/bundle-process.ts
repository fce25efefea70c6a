import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** BundleProcess is a single-file bundle (the agent's, the probe's) running as a process. */
export interface BundleProcess {
  child: ChildProcess;
  /** What it has written to stderr so far (its log). */
  log: () => string;
  /** Its exit code once it has exited (null when a signal ended it). */
  exited: Promise<number | null>;
}

/**
 * runBundle starts `node <bundle>` in `cwd` with only these variables and PATH: what a machine
 * with nothing of ours but the file would give it.
 */
export function runBundle(bundle: string, cwd: string, env: Record<string, string>): BundleProcess {
  const child = spawn(process.execPath, [bundle], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { child, log: () => stderr, exited };
}

/** exitWithin resolves with the exit code, killing the process if it takes longer than ms. */
export async function exitWithin(running: BundleProcess, ms: number): Promise<number | null> {
  const timeout = setTimeout(() => running.child.kill("SIGKILL"), ms);
  try {
    return await running.exited;
  } finally {
    clearTimeout(timeout);
  }
}

/**
 * bundleInputs lists what bundling `entry` as the bundle scripts do pulls in: `own`, the
 * repository's files, and `all`, node_modules' too (to look for drivers that must not ship).
 */
export async function bundleInputs(entry: string): Promise<{ own: string[]; all: string[] }> {
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const all = Object.keys(metafile.inputs);
  return { own: all.filter((path) => !path.includes("node_modules/")), all };
}
