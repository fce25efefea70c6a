// Replays one stage of the Dockerfile in a directory of this machine: its COPY and RUN steps
// for real, the rest (ENV, USER, CMD, HEALTHCHECK, …) recorded for whoever runs the result.
// Used by scripts/image-stage.ts; every instruction it does not know stops it.
import { spawn } from "node:child_process";
import { cp, mkdir, stat } from "node:fs/promises";
import { basename, join, posix, relative, sep } from "node:path";
import {
  execForm,
  type Healthcheck,
  parseEnv,
  parseHealthcheck,
  type Stage,
  stageWorkdir,
  takeFlags,
} from "./dockerfile.js";

/** StageImage is what a replayed stage leaves: its directory and how the image runs it. */
export interface StageImage {
  /** The directory standing for the stage's WORKDIR. */
  dir: string;
  /** ENV in force at the end of the stage. */
  env: Record<string, string>;
  user: string | undefined;
  cmd: string[] | undefined;
  healthcheck: Healthcheck | undefined;
}

/** ReplayOptions say where the build context is and where earlier stages were replayed. */
export interface ReplayOptions {
  stages: Stage[];
  stage: Stage;
  /** The directory to replay into (it stands for the stage's WORKDIR). */
  dir: string;
  /** The build context: the repository. */
  context: string;
  /** True for a context path .dockerignore leaves out. */
  ignored: (path: string) => boolean;
  /** Where each earlier stage's WORKDIR is on this machine (for COPY --from). */
  stageDirs: ReadonlyMap<string, string>;
  /** The environment RUN steps start from (the stage's ENV goes on top). */
  baseEnv: NodeJS.ProcessEnv;
  runTimeoutMs: number;
  log: (line: string) => void;
}

/** replayStage replays `stage` into `dir` and returns what it leaves. */
export async function replayStage(options: ReplayOptions): Promise<StageImage> {
  const { stage, stages, dir } = options;
  const parent = options.stageDirs.get(stage.from);
  const image: StageImage = {
    dir,
    env: {},
    user: undefined,
    cmd: undefined,
    healthcheck: undefined,
  };
  if (parent !== undefined && parent !== dir) {
    throw new Error(
      `stage ${stage.name} starts FROM ${stage.from}: replay it in the same directory`,
    );
  }
  const workdir = stageWorkdir(stages, stage);
  await mkdir(dir, { recursive: true });
  for (const instruction of stage.instructions) {
    const where = `Dockerfile line ${instruction.line}`;
    switch (instruction.keyword) {
      // WORKDIR is followed by stageWorkdir; EXPOSE only documents ports.
      case "WORKDIR":
      case "EXPOSE":
        break;
      case "ENV":
        Object.assign(image.env, parseEnv(instruction.args));
        break;
      case "USER":
        image.user = instruction.args;
        break;
      case "CMD":
        image.cmd = execForm(instruction.args);
        if (!image.cmd) throw new Error(`${where}: CMD must be in exec form`);
        break;
      case "HEALTHCHECK":
        image.healthcheck = parseHealthcheck(instruction.args);
        break;
      case "COPY":
        await replayCopy(instruction.args, workdir, options, where);
        break;
      case "RUN":
        await replayRun(instruction.args, { ...options.baseEnv, ...image.env }, options, where);
        break;
      default:
        throw new Error(`${where}: image-stage cannot replay ${instruction.keyword}; teach it`);
    }
  }
  return image;
}

async function replayCopy(
  args: string,
  workdir: string,
  options: ReplayOptions,
  where: string,
): Promise<void> {
  const { flags, rest } = takeFlags(args);
  const unknown = Object.keys(flags).filter((flag) => flag !== "from" && flag !== "chown");
  if (unknown.length > 0) throw new Error(`${where}: COPY --${unknown.join(", --")} not replayed`);
  const parts = execForm(rest) ?? rest.split(/\s+/);
  const dest = parts.at(-1);
  const sources = parts.slice(0, -1);
  if (!dest || sources.length === 0) throw new Error(`${where}: COPY needs a source and a dest`);
  const target = join(options.dir, inWorkdir(dest, workdir, where));
  const intoDirectory = sources.length > 1 || dest.endsWith("/") || dest === ".";
  for (const source of sources) {
    let from: string;
    let filter: (path: string) => boolean = () => true;
    if (flags.from) {
      const stageDir = options.stageDirs.get(flags.from);
      const fromStage = options.stages.find((s) => s.name === flags.from);
      if (stageDir === undefined || !fromStage) {
        throw new Error(`${where}: COPY --from=${flags.from}: that stage was not replayed`);
      }
      from = join(stageDir, inWorkdir(source, stageWorkdir(options.stages, fromStage), where));
    } else {
      const path = posix.normalize(source);
      if (path !== "." && options.ignored(path)) {
        throw new Error(`${where}: COPY ${source}: .dockerignore leaves it out of the context`);
      }
      from = join(options.context, path);
      // Only what the context holds: .dockerignore'd files never reach the image.
      filter = (file) => {
        const inContext = relative(options.context, file).split(sep).join("/");
        return inContext === "" || !options.ignored(inContext);
      };
    }
    const isDirectory = (await stat(from)).isDirectory();
    const to = intoDirectory && !isDirectory ? join(target, basename(from)) : target;
    options.log(`COPY ${flags.from ? `--from=${flags.from} ` : ""}${source} → ${dest}`);
    await cp(from, to, { recursive: true, filter, verbatimSymlinks: true });
  }
}

/** inWorkdir maps an image path (absolute, or relative to WORKDIR) to one inside WORKDIR. */
function inWorkdir(path: string, workdir: string, where: string): string {
  const absolute = posix.resolve(workdir, path);
  const inside = posix.relative(workdir, absolute);
  if (inside.startsWith("..")) {
    throw new Error(`${where}: ${path} is outside WORKDIR ${workdir}; image-stage cannot map it`);
  }
  return inside;
}

async function replayRun(
  args: string,
  env: NodeJS.ProcessEnv,
  options: ReplayOptions,
  where: string,
): Promise<void> {
  const { flags, rest } = takeFlags(args);
  // A cache mount only keeps npm's download cache out of the layer; this machine keeps its own.
  const unknown = Object.entries(flags).filter(
    ([flag, value]) => !(flag === "mount" && value.startsWith("type=cache,")),
  );
  if (unknown.length > 0) throw new Error(`${where}: RUN --${unknown[0]?.[0]} not replayed`);
  if (rest.startsWith("[")) throw new Error(`${where}: exec-form RUN is not replayed`);
  options.log(`RUN ${rest}`);
  const child = spawn("/bin/sh", ["-c", rest], { cwd: options.dir, env, stdio: "inherit" });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.runTimeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${where}: RUN ${rest} exited ${code ?? "on a signal"}`);
}
