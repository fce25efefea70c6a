import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** BuiltApi is a checkout's cmd/api compiled to JavaScript, runnable with plain node. */
export interface BuiltApi {
  /** The compiled cmd/api/main.js. */
  main: string;
  remove(): void;
}

/**
 * buildApi compiles `root`'s server code (its tsconfig.build.json, its own TypeScript) into
 * dist/ of a temporary directory laid out as the image is: beside it init.sql, package.json
 * (ESM) and a link to the tree's node_modules. The bench runs what the image runs (no tsx) and
 * never writes into the checkout. Type errors elsewhere in a tree that others are editing do
 * not stop the emit.
 */
export function buildApi(root: string): BuiltApi {
  const out = mkdtempSync(join(tmpdir(), "pulsar-bench-hostile-"));
  try {
    execFileSync(
      join(root, "node_modules/.bin/tsc"),
      ["-p", join(root, "tsconfig.build.json"), "--outDir", join(out, "dist")],
      { cwd: root, stdio: "ignore" },
    );
  } catch {
    // tsc exits 2 on type errors but has emitted; a missing main.js is caught below.
  }
  symlinkSync(join(root, "node_modules"), join(out, "node_modules"));
  copyFileSync(join(root, "package.json"), join(out, "package.json"));
  copyFileSync(join(root, "init.sql"), join(out, "init.sql"));
  const main = join(out, "dist/cmd/api/main.js");
  execFileSync(process.execPath, ["-e", `require("node:fs").accessSync(${JSON.stringify(main)})`]);
  return { main, remove: () => rmSync(out, { recursive: true, force: true }) };
}
