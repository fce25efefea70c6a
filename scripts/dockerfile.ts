// A small reader of the project's own Dockerfile and .dockerignore: enough of their syntax for
// scripts/image-stage.ts to replay the image's stages without a Docker engine, and for the tests
// to hold the Dockerfile to what CI proves. Not a general Dockerfile parser: what it does not
// know, it refuses (the replay must never skip a step silently).

/** Instruction is one Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  /** The keyword, upper case: FROM, RUN, COPY, … */
  keyword: string;
  /** Everything after the keyword, trimmed. */
  args: string;
  /** The 1-based line it starts on. */
  line: number;
}

/** Stage is one FROM and the instructions under it. */
export interface Stage {
  /** The name given with `AS`, if any. */
  name: string | undefined;
  /** The image or earlier stage it starts from. */
  from: string;
  instructions: Instruction[];
}

/**
 * parseDockerfile splits a Dockerfile into stages. Comment lines are dropped (also inside a
 * continuation, as Docker does), lines ending in a backslash are joined with the next. An ARG
 * before the first FROM is a global build argument: FROM lines read it at its default (the
 * image built without --build-arg), so a stage's `from` is an image name, never `${…}`.
 */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const globalArgs = new Map<string, string>();
  let pending: { text: string; line: number } | undefined;
  const lines = text.split("\n");
  for (const [index, raw] of lines.entries()) {
    const trimmed = raw.trim();
    if (trimmed.startsWith("#") || (trimmed === "" && pending === undefined)) continue;
    const continued = trimmed.endsWith("\\");
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending
      ? { text: `${pending.text} ${part}`.trim(), line: pending.line }
      : { text: part, line: index + 1 };
    if (continued) continue;
    if (pending.text !== "") addInstruction(stages, globalArgs, pending.text, pending.line);
    pending = undefined;
  }
  if (pending?.text) addInstruction(stages, globalArgs, pending.text, pending.line);
  return stages;
}

function addInstruction(
  stages: Stage[],
  globalArgs: Map<string, string>,
  text: string,
  line: number,
): void {
  const match = /^(\S+)\s*(.*)$/s.exec(text);
  if (!match) return;
  const keyword = (match[1] ?? "").toUpperCase();
  const args = (match[2] ?? "").trim();
  if (keyword === "FROM") {
    const { rest } = takeFlags(args);
    const from = /^(\S+)(?:\s+as\s+(\S+))?$/i.exec(rest);
    if (!from?.[1]) throw new Error(`Dockerfile line ${line}: cannot read FROM ${args}`);
    const image = from[1].replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (_, a, b) => {
        const value = globalArgs.get(a ?? b);
        if (value === undefined)
          throw new Error(
            `Dockerfile line ${line}: FROM uses ${a ?? b}, no global ARG with a default`,
          );
        return value;
      },
    );
    stages.push({ name: from[2], from: image, instructions: [] });
    return;
  }
  if (keyword === "ARG" && stages.length === 0) {
    const arg = /^([A-Za-z_][A-Za-z0-9_]*)=(\S+)$/.exec(args);
    if (!arg?.[1] || !arg[2])
      throw new Error(`Dockerfile line ${line}: a global ARG needs a default: ${args}`);
    globalArgs.set(arg[1], arg[2]);
    return;
  }
  const stage = stages.at(-1);
  if (!stage) throw new Error(`Dockerfile line ${line}: ${keyword} before the first FROM`);
  stage.instructions.push({ keyword, args, line });
}

/**
 * takeFlags splits the leading `--name=value` options off an instruction's arguments
 * (`COPY --from=build …`, `RUN --mount=… …`, `HEALTHCHECK --interval=30s CMD …`).
 */
export function takeFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args.trim();
  for (;;) {
    const match = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(rest);
    if (!match?.[1]) return { flags, rest };
    flags[match[1]] = match[2] ?? "true";
    rest = rest.slice(match[0].length);
  }
}

/** execForm reads a JSON array (`["node", "x.js"]`); undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith("[")) return undefined;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === "string")) {
    throw new Error(`not an exec-form array of strings: ${args}`);
  }
  return parsed;
}

/** parseEnv reads `ENV A=1 B="two words"` (and the old `ENV A value` form). */
export function parseEnv(args: string): Record<string, string> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [name, ...value] = args.split(/\s+/);
    return name ? { [name]: value.join(" ") } : {};
  }
  const env: Record<string, string> = {};
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const [, name, value = ""] = match;
    if (name)
      env[name] = value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, "$1") : value;
  }
  return env;
}

/** Healthcheck is a HEALTHCHECK instruction: its options and its exec-form command. */
export interface Healthcheck {
  options: Record<string, string>;
  command: string[];
}

/** parseHealthcheck reads `HEALTHCHECK [--option=value…] CMD ["…"]`; only the exec form. */
export function parseHealthcheck(args: string): Healthcheck {
  const { flags, rest } = takeFlags(args);
  const match = /^CMD\s+(.*)$/is.exec(rest);
  const command = match?.[1] ? execForm(match[1].trim()) : undefined;
  if (!command) throw new Error(`HEALTHCHECK must be CMD in exec form: ${args}`);
  return { options: flags, command };
}

/** stageWorkdir is the WORKDIR in force at the end of `stage`, following FROM <stage> chains. */
export function stageWorkdir(stages: Stage[], stage: Stage): string {
  const own = stage.instructions.filter((i) => i.keyword === "WORKDIR").at(-1);
  if (own) return own.args;
  const parent = stages.find((s) => s.name === stage.from);
  return parent ? stageWorkdir(stages, parent) : "/";
}

/**
 * dockerignoreFilter turns a .dockerignore into a predicate over context-relative paths (with
 * `/` separators): true when the path is excluded. `*`, `?`, `**` and `!` exceptions as Docker
 * reads them; a pattern that matches a directory excludes what is inside it; the last matching
 * pattern wins.
 */
export function dockerignoreFilter(text: string): (path: string) => boolean {
  const rules = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const exception = line.startsWith("!");
      const pattern = (exception ? line.slice(1) : line).trim().replace(/^\/+|\/+$/g, "");
      return { exception, regex: globToRegExp(pattern) };
    });
  return (path) => {
    const parts = path.split("/").filter((part) => part !== "" && part !== ".");
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
    let excluded = false;
    for (const rule of rules) {
      if (prefixes.some((prefix) => rule.regex.test(prefix))) excluded = !rule.exception;
    }
    return excluded;
  };
}

function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? "";
    if (pattern.startsWith("**/", i)) {
      source += "(?:.*/)?";
      i += 2;
    } else if (pattern.startsWith("**", i)) {
      source += ".*";
      i += 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}
