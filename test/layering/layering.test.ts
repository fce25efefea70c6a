import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { cruise } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { describe, expect, it } from "vitest";

// The rules in .dependency-cruiser.cjs, run against small throwaway trees laid out like the
// repository: a tree that follows the layers passes, and each wrong-way import fails naming its
// rule. `npm run lint:deps` runs the same rules over the real tree in CI.

const root = fileURLToPath(new URL("../../", import.meta.url));
const configFile = join(root, ".dependency-cruiser.cjs");

/** A source tree: repository-relative path to file text. */
type Tree = Record<string, string>;

/** layered follows every rule; the cases below each add one wrong-way import to it. */
const layered: Tree = {
  "internal/core/errors.ts": "export class NotFoundError extends Error {}\n",
  "internal/db/pool.ts":
    'import { NotFoundError } from "../core/errors.js";\nexport const pool = { NotFoundError };\n',
  "internal/alerts/monitor-transition.ts": 'export type Transition = "up" | "down";\n',
  "internal/alerts/monitor-alerts.ts":
    'import type { Transition } from "./monitor-transition.js";\nexport type AlertState = { last: Transition };\nexport const recordTransition = (t: Transition): AlertState => ({ last: t });\n',
  "internal/checks/status/transitions.ts":
    'import type { Transition } from "../../alerts/monitor-transition.js";\nexport const next = (t: Transition): Transition => (t === "up" ? "down" : "up");\n',
  "internal/checks/results/store.ts":
    'import { recordTransition } from "../../alerts/monitor-alerts.js";\nimport { pool } from "../../db/pool.js";\nexport const store = () => [pool, recordTransition("up")];\n',
  "internal/checks/queue/org-slots.ts": "export class OrgSlots {}\n",
  "internal/quota/quotas.ts":
    'import { pool } from "../db/pool.js";\nexport const quotas = pool;\n',
  "internal/service/monitor-service.ts":
    'import { store } from "../checks/results/store.js";\nexport const monitorService = { store };\n',
  "internal/api/app.ts":
    'import { monitorService } from "../service/monitor-service.js";\nexport const app = monitorService;\n',
  "internal/worker/sampler-lease.ts": "export const lease = 1;\n",
  "internal/config/parse-environment.ts": "export const parseEnvironment = () => ({});\n",
  "internal/hosts/reading/sampler.ts":
    'import { NotFoundError } from "../../core/errors.js";\nexport const sampler = NotFoundError;\n',
  "internal/agent/agent.ts":
    'import { parseEnvironment } from "../config/parse-environment.js";\nimport { sampler } from "../hosts/reading/sampler.js";\nexport const agent = [parseEnvironment, sampler];\n',
  "cmd/agent/main.ts":
    'import { agent } from "../../internal/agent/agent.js";\nconsole.log(agent);\n',
  "cmd/api/main.ts": 'import { app } from "../../internal/api/app.js";\nconsole.log(app);\n',
  // A test assembles across layers and uses the test helpers: the layer rules leave it alone.
  "internal/db/pool.test.ts":
    'import { monitorService } from "../service/monitor-service.js";\nimport { fixture } from "../../test/support/fixtures.js";\nconsole.log(monitorService, fixture);\n',
  "test/support/fixtures.ts": "export const fixture = 1;\n",
  "gen/pulsar/v1/check_pb.ts": "export type CheckResult = { ok: boolean };\n",
  "shared/duration.ts": 'export const formatDuration = (s: number) => String(s) + " s";\n',
  "internal/alerts/alert-format.ts": 'export { formatDuration } from "../../shared/duration.js";\n',
  "web/src/describe.ts": 'export { formatDuration } from "../../shared/duration";\n',
  "web/src/main.ts":
    'import { formatDuration } from "./describe";\nimport { format } from "./format";\nconsole.log(format, formatDuration);\n',
  "web/src/format.ts": "export const format = (n: number) => String(n);\n",
};

/** withTree writes a tree into a fresh directory, runs `fn` in it and removes it afterwards. */
async function withTree<T>(tree: Tree, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "pulsar-layering-"));
  try {
    for (const [path, text] of Object.entries(tree)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * plain drops the reporter's colours and folds its line breaks (a cycle or a reach is listed one
 * module a line), so that a violation reads as one line: `error rule: a → b → c`.
 */
function plain(output: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape that starts a colour
  return output.replace(/\x1b\[[0-9;]*m/g, "").replace(/\s+/g, " ");
}

/** cruiseTree validates a tree with the repository's rules, reporting as lint:deps does. */
async function cruiseTree(tree: Tree): Promise<{ exitCode: number; output: string }> {
  const options = await extractDepcruiseOptions(configFile);
  const tsConfig = extractTSConfig(join(root, "tsconfig.json"));
  return withTree(tree, async (dir) => {
    const result = await cruise(
      ["internal", "cmd", "web/src"],
      { ...options, baseDir: dir, outputType: "err" },
      {},
      { tsConfig },
    );
    return { exitCode: result.exitCode, output: plain(String(result.output)) };
  });
}

describe("the layering rules", () => {
  it("pass a tree whose imports all run the allowed way, tests included", async () => {
    const { exitCode, output } = await cruiseTree(layered);
    expect(output).toContain("no dependency violations found");
    expect(exitCode).toBe(0);
  });

  // [what the wrong-way import is, files added or replaced, the rule, the reported edge]
  const wrongWay: [string, Tree, string, string][] = [
    [
      "plumbing importing the service layer",
      {
        "internal/db/partitions.ts":
          'import { monitorService } from "../service/monitor-service.js";\nexport const p = monitorService;\n',
      },
      "plumbing-imports-only-core",
      "internal/db/partitions.ts → internal/service/monitor-service.ts",
    ],
    [
      "a cycle made only of type imports",
      {
        "internal/alerts/monitor-transition.ts":
          'import type { AlertState } from "./monitor-alerts.js";\nexport type Transition = "up" | "down";\nexport type Last = AlertState;\n',
      },
      "no-circular",
      "internal/alerts/monitor-alerts.ts → internal/alerts/monitor-transition.ts → internal/alerts/monitor-alerts.ts",
    ],
    [
      "core importing a concern's message types from gen/",
      {
        "internal/core/writer.ts":
          'import type { CheckResult } from "../../gen/pulsar/v1/check_pb.js";\nexport type Writer = (r: CheckResult) => void;\n',
      },
      "core-is-neutral",
      "internal/core/writer.ts → gen/pulsar/v1/check_pb.ts",
    ],
    [
      "the agent reaching server code through a module it may import",
      {
        "internal/config/parse-environment.ts":
          'import { pool } from "../db/pool.js";\nexport const parseEnvironment = () => pool;\n',
      },
      "agent-bundle-is-lean",
      "cmd/agent/main.ts → internal/db/pool.ts",
    ],
    [
      "hosts/reading importing server-side code",
      {
        "internal/hosts/reading/sampler.ts":
          'import { quotas } from "../../quota/quotas.js";\nexport const sampler = quotas;\n',
      },
      "hosts-reading-is-agent-side",
      "internal/hosts/reading/sampler.ts → internal/quota/quotas.ts",
    ],
    [
      "alerts reaching into checks (checks calls alerts, never the other way)",
      {
        "internal/alerts/delivery/delivery-worker.ts":
          'import { OrgSlots } from "../../checks/queue/org-slots.js";\nexport const slots = new OrgSlots();\n',
      },
      "concern-edge-alerts",
      "internal/alerts/delivery/delivery-worker.ts → internal/checks/queue/org-slots.ts",
    ],
    [
      "a concern importing the API layer",
      {
        "internal/quota/limits.ts":
          'import { app } from "../api/app.js";\nexport const limits = app;\n',
      },
      "concern-not-to-outer-layers",
      "internal/quota/limits.ts → internal/api/app.ts",
    ],
    [
      "the service layer importing the worker",
      {
        "internal/service/lease.ts":
          'import { lease } from "../worker/sampler-lease.js";\nexport const l = lease;\n',
      },
      "service-not-to-api-or-worker",
      "internal/service/lease.ts → internal/worker/sampler-lease.ts",
    ],
    [
      "the worker importing the service layer",
      {
        "internal/worker/monitors.ts":
          'import { monitorService } from "../service/monitor-service.js";\nexport const m = monitorService;\n',
      },
      "worker-not-to-api-or-service",
      "internal/worker/monitors.ts → internal/service/monitor-service.ts",
    ],
    [
      "the API importing the worker",
      {
        "internal/api/lease.ts":
          'import { lease } from "../worker/sampler-lease.js";\nexport const l = lease;\n',
      },
      "api-not-to-worker",
      "internal/api/lease.ts → internal/worker/sampler-lease.ts",
    ],
    [
      "production code importing a test helper",
      {
        "internal/quota/seed.ts":
          'import { fixture } from "../../test/support/fixtures.js";\nexport const seed = fixture;\n',
      },
      "production-not-to-test-or-bench",
      "internal/quota/seed.ts → test/support/fixtures.ts",
    ],
    [
      "production code importing a test file",
      {
        "internal/quota/seed.ts": 'import "../db/pool.test.js";\nexport const seed = 1;\n',
      },
      "not-to-test-files",
      "internal/quota/seed.ts → internal/db/pool.test.ts",
    ],
    [
      "internal/ importing a process's wiring in cmd/",
      {
        "internal/worker/boot.ts": 'import "../../cmd/api/main.js";\nexport const boot = 1;\n',
      },
      "not-to-cmd",
      "internal/worker/boot.ts → cmd/api/main.ts",
    ],
    [
      "the dashboard importing server code",
      {
        "web/src/format.ts":
          'import { NotFoundError } from "../../internal/core/errors";\nexport const format = (n: number) => String(n) + NotFoundError.name;\n',
      },
      "web-is-separate",
      "web/src/format.ts → internal/core/errors.ts",
    ],
    [
      "shared/ importing anything outside it",
      {
        "shared/duration.ts":
          'import { NotFoundError } from "../internal/core/errors.js";\nexport const formatDuration = (s: number) => String(s) + NotFoundError.name;\n',
      },
      "shared-imports-nothing",
      "shared/duration.ts → internal/core/errors.ts",
    ],
    [
      "an import that resolves to nothing",
      {
        "internal/quota/typo.ts": 'import { q } from "./quotes.js";\nexport const typo = q;\n',
      },
      "not-to-unresolvable",
      "internal/quota/typo.ts → ./quotes.js",
    ],
  ];

  it.each(wrongWay)(
    "fail on %s, naming the rule and the import",
    async (_what, files, rule, edge) => {
      const { exitCode, output } = await cruiseTree({ ...layered, ...files });
      expect(output).toContain(`error ${rule}: ${edge}`);
      expect(exitCode).toBeGreaterThan(0);
    },
  );

  it("make npm run lint:deps exit non-zero, printing the rule, on a wrong-way import", async () => {
    const { scripts } = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
    const [command, ...args] = String(scripts["lint:deps"]).split(" ");
    expect(command).toBe("depcruise");
    const wrong = {
      ...layered,
      "internal/db/partitions.ts":
        'import { monitorService } from "../service/monitor-service.js";\nexport const p = monitorService;\n',
    };
    const failure = await withTree(wrong, async (dir) => {
      await copyFile(configFile, join(dir, ".dependency-cruiser.cjs"));
      await copyFile(join(root, "tsconfig.json"), join(dir, "tsconfig.json"));
      const depcruise = join(root, "node_modules/.bin/depcruise");
      return promisify(execFile)(depcruise, args, { cwd: dir }).then(
        () => null,
        (error: { code: number; stdout: string }) => error,
      );
    });
    expect(failure?.code).toBeGreaterThan(0);
    expect(plain(failure?.stdout ?? "")).toContain(
      "error plumbing-imports-only-core: internal/db/partitions.ts → internal/service/monitor-service.ts",
    );
  });
});
