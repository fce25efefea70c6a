import { execFile } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CheckApiStandIn,
  startCheckApiStandIn,
} from "../../internal/probe/testing/check-api-stand-in.js";
import packageJson from "../../package.json" with { type: "json" };
import { bundleInputs, exitWithin, runBundle } from "../../test/support/bundle-process.js";
import { eventually } from "../../test/support/eventually.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
let dir: string;
let bundle: string;
let api: CheckApiStandIn;
let target: { url: string; hits: string[]; server: Server };

beforeAll(async () => {
  // The real build (npm run build:probe), then the file alone in a directory of its own: no
  // node_modules anywhere above it, no repository.
  await promisify(execFile)(process.execPath, ["scripts/build-bundle.mjs", "probe"], { cwd: root });
  dir = await mkdtemp(join(tmpdir(), "pulsar-probe-bundle-"));
  bundle = join(dir, "pulsar-probe.mjs");
  await copyFile(join(root, "dist/probe/pulsar-probe.mjs"), bundle);
  api = await startCheckApiStandIn({ region: "d" });
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.headers["user-agent"] ?? "");
    setTimeout(() => res.end("ok"), 800);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  target = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}, 60_000);

afterAll(async () => {
  await api.close();
  target.server.closeAllConnections();
  target.server.close();
  await rm(dir, { recursive: true, force: true });
});

/** run starts `node pulsar-probe.mjs` in the temp dir with only these variables (and PATH). */
const run = (env: Record<string, string>) => runBundle(bundle, dir, env);

describe("the single-file probe (npm run build:probe)", () => {
  it("says which variables are missing and exits 1", async () => {
    const probe = run({});
    expect(await exitWithin(probe, 10_000)).toBe(1);
    expect(probe.log()).toContain("PULSAR_URL: is required");
    expect(probe.log()).toContain("PULSAR_PROBE_TOKEN: is required");
  });

  it("runs a check with plain node outside the repository, and on SIGTERM lets it finish, reports it and exits 0", async () => {
    const probe = run({
      PULSAR_URL: api.baseUrl,
      PULSAR_PROBE_TOKEN: api.token,
      REGION: "bundle-label",
      // The target is on loopback.
      PULSAR_BLOCK_PRIVATE_TARGETS: "false",
    });
    try {
      await eventually(() => api.takes.length > 0, {
        what: "the bundled probe to take checks",
        timeoutMs: 15_000,
        detail: probe.log,
      });
      api.offer("lease-b", [
        {
          monitorId: "m1",
          intervalSeconds: 60,
          scheduledAtMs: api.serverNow(),
          target: { url: `${target.url}/`, timeoutMs: 5000 },
        },
      ]);
      await eventually(() => target.hits.length === 1, {
        what: "the check to reach the target",
        timeoutMs: 15_000,
        detail: probe.log,
      });
      // The check takes 800 ms: SIGTERM arrives while it runs.
      probe.child.kill("SIGTERM");
      expect(await exitWithin(probe, 20_000)).toBe(0);
    } finally {
      probe.child.kill("SIGKILL");
    }
    expect(target.hits).toEqual([`Pulsar/${packageJson.version} (+region d)`]);
    const results = api.reports.flatMap((r) => r.results);
    expect(results.map((r) => r.monitorId)).toEqual(["m1"]);
    expect(api.reports.flatMap((r) => r.finishedLeaseIds)).toEqual(["lease-b"]);
    expect(api.takes.at(-1)?.stats?.regionLabel).toBe("bundle-label");
    expect(probe.log()).toContain('"msg":"probe started"');
  }, 40_000);

  it("with an unknown token logs one clear line and exits 1 at once", async () => {
    const takesBefore = api.takes.length;
    const probe = run({
      PULSAR_URL: api.baseUrl,
      PULSAR_PROBE_TOKEN: `pulsar_probe_${"B".repeat(43)}`,
    });
    const started = Date.now();
    expect(await exitWithin(probe, 15_000)).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    const errors = probe.log().match(/"level":"error"[^\n]*/g) ?? [];
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("the probe token was revoked or is unknown");
    expect(api.takes.length).toBe(takesBefore);
  }, 30_000);
});

describe("the probe bundle", () => {
  it("holds no server code: the probe, the checks themselves and the shared core", async () => {
    const { own, all: inputs } = await bundleInputs("cmd/probe/main.ts");
    expect(own).toContain("internal/probe/take-loop.ts");
    expect(own).toContain("internal/checks/http/run-check.ts");
    const PROBE_MAY_BUNDLE = [
      /^cmd\/probe\/main\.ts$/,
      /^internal\/probe\/(?!testing\/)/,
      /^internal\/checks\/(http|tcp|dnsquery|conditions)\//,
      /^internal\/checks\/(run-target|queue\/check-timing)\.ts$/,
      /^internal\/(netpolicy|dns)\//,
      /^internal\/core\/logger\.ts$/,
      /^internal\/config\/(parse-environment|or-exit)\.ts$/,
      /^internal\/lifecycle\/shutdown\.ts$/,
      /^internal\/agent\/backoff\.ts$/,
      /^gen\/pulsar\/v1\/(check|probe)_pb\.ts$/,
      /^package\.json$/,
    ];
    expect(own.filter((path) => !PROBE_MAY_BUNDLE.some((allowed) => allowed.test(path)))).toEqual(
      [],
    );
    // None of the server's drivers.
    for (const driver of ["/bullmq/", "/ioredis/", "/pg/", "/pino-pretty/"]) {
      expect(inputs.filter((path) => path.includes(`node_modules${driver}`))).toEqual([]);
    }
  });
});
