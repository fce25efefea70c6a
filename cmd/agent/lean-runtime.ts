// Imported first by the agent's main, before anything else is loaded: the agent restarts
// itself, once, in a runtime set for memory rather than speed. It runs a few milliseconds of
// JavaScript every 2 s, so V8's optimizing compilers buy nothing, while they and glibc's
// per-thread malloc arenas cost a third of its memory (bench/README.md, "the agent"):
// - V8 without its compiling tiers (Sparkplug, Maglev, TurboFan) and sized for memory: the
//   interpreter alone runs the agent's work in the same CPU. (Not --lite-mode: it saves the
//   same but also removes WebAssembly, which Node's own fetch needs.)
// - MALLOC_ARENA_MAX=2: glibc gives each allocating thread (V8's GC helpers, libuv's pool) an
//   arena of its own and rarely returns their free pages, so resident memory creeps.
// Both are read only when a process starts, hence the re-execution: process.execve keeps the
// pid, the arguments and the stdio, and nothing has started yet. It exists from Node 22.15 /
// 23.11 (the image runs 24). On older Nodes the V8 flags are set in this process instead
// (v8.setFlagsFromString: they take effect for code compiled from now on, which is nearly all
// of it), and the malloc arenas stay as they are.
// AGENT_LEAN_RUNTIME=false turns this off; a MALLOC_ARENA_MAX of the person's own is kept.
import { setFlagsFromString } from "node:v8";

const REEXECUTED = "PULSAR_AGENT_LEAN_RUNTIME_ACTIVE";
const LEAN_V8_FLAGS = ["--no-opt", "--no-maglev", "--no-sparkplug", "--optimize-for-size"];
// (@types/node for Node 20 does not declare execve.)
const { execve } = process as { execve?: (file: string, args: string[], env: object) => never };
if (process.env.AGENT_LEAN_RUNTIME !== "false") {
  if (execve === undefined) {
    for (const flag of LEAN_V8_FLAGS) setFlagsFromString(flag);
  } else if (process.platform === "linux" && process.env[REEXECUTED] === undefined) {
    execve.call(
      process,
      process.execPath,
      [process.execPath, ...LEAN_V8_FLAGS, ...process.execArgv, ...process.argv.slice(1)],
      { MALLOC_ARENA_MAX: "2", ...process.env, [REEXECUTED]: "1" },
    );
  }
}
