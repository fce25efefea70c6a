// bench/hostile: the issue's attack on a real cmd/api (compiled, as the image runs it) —
// concurrent unauthenticated 300 KB gzip bodies (300 MB inflated) to
// MonitorService/ListMonitors, again and again for a few seconds — and what it costs: the
// process's peak RSS and GET /healthz latency during the attack.
//
//   npx tsx bench/hostile/main.ts                       # this checkout
//   git worktree add /tmp/before HEAD                   # the code before, for comparison
//   npx tsx bench/hostile/main.ts --root /tmp/before    # (it uses /tmp/before/node_modules)
//
// Options: --seconds 5 (attack length), --concurrency 20, --rss-cap-mb 4000 (the API is killed
// past it: the code before the fix takes gigabytes, on a machine others share), --mode:
//   declared  the issue's body with its Content-Length (refused before it is read; default)
//   chunked   the same body without a length (read up to the limit, then refused)
//   small     100 KB of gzip that inflates to 100 MB: under the limit as sent, so it is read
//             and inflated, up to the limit
// --signed-in sends them with an API token of an organization made for the purpose (a tenant
// attacking, whose bodies are read; a stranger's are refused from the headers, unread).
// Needs Postgres and Redis (TEST_DATABASE_URL, TEST_REDIS_URL; default the local servers).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { freePort } from "../../internal/launcher/free-port.js";
import { createTestOrg } from "../../test/support/accounts.js";
import { memoryOf } from "../../test/support/api-process.js";
import { createTestDatabase } from "../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { type Answer, getOnce, summary } from "./attack.js";
import { buildApi } from "./build.js";

const { values: args } = parseArgs({
  options: {
    root: { type: "string", default: fileURLToPath(new URL("../../", import.meta.url)) },
    seconds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "20" },
    "rss-cap-mb": { type: "string", default: "4000" },
    mode: { type: "string", default: "declared" },
    "signed-in": { type: "boolean", default: false },
  },
});
const root = resolve(args.root);
const attackMs = Number(args.seconds) * 1000;
const concurrency = Number(args.concurrency);
const rssCapBytes = Number(args["rss-cap-mb"]) * 1024 * 1024;
const mode = args.mode === "chunked" || args.mode === "small" ? args.mode : "declared";
const MB = 1024 * 1024;
// An answer slower than this counts as none; the attack's last requests get this long too.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

/** The issue's body: a ListMonitors request whose page token is `inflated` bytes of zeros, gzipped. */
function gzipBomb(inflated: number): Buffer {
  const json = Buffer.alloc(inflated, 0x30);
  json.write('{"pageToken":"', 0);
  json.write('"}', json.length - 2);
  return gzipSync(json, { level: 9 });
}

function describeTree(): string {
  const git = (...argv: string[]) =>
    execFileSync("git", ["-C", root, ...argv], { encoding: "utf8" }).trim();
  const dirty = git("status", "--porcelain", "--untracked-files=no") !== "";
  return `${root} at ${git("rev-parse", "--short", "HEAD")}${dirty ? " with uncommitted changes" : ""}`;
}

async function waitReady(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if ((await getOnce(`${baseUrl}/readyz`, 3000)).status === 200) return;
    await sleep(100);
  }
  throw new Error("cmd/api did not get ready within 60 s");
}

async function main() {
  if (!existsSync(`${root}/node_modules`)) {
    throw new Error(`${root}/node_modules is missing: run npm ci there, or link this one`);
  }
  const tree = describeTree();
  const inflatedMb = mode === "small" ? 100 : 300;
  const bomb = gzipBomb(inflatedMb * MB);
  const bombFile = join(tmpdir(), `pulsar-bench-bomb-${process.pid}.gz`);
  writeFileSync(bombFile, bomb);
  console.log(`tree: ${tree}`);
  console.log(
    `attack: ${concurrency} concurrent POSTs of ${bomb.length} bytes (gzip of ${inflatedMb} MB), ${mode === "chunked" ? "chunked" : "length declared"}, ${args["signed-in"] ? "signed in (an API token)" : "unauthenticated"}`,
  );
  const built = buildApi(root);
  const db = await createTestDatabase();
  const token = args["signed-in"] ? (await createTestOrg(db.pool, "attacker")).apiToken : "";
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const api = spawn(process.execPath, [built.main], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniquePrefix("bench-hostile"),
      PORT: String(port),
      LOG_LEVEL: "error",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = once(api, "exit");
  const pid = api.pid ?? 0;
  try {
    await waitReady(baseUrl, api);
    const idle: number[] = [];
    for (let i = 0; i < 100; i++) idle.push((await getOnce(`${baseUrl}/healthz`, 10_000)).ms);
    const before = memoryOf(pid);
    console.log(`idle: RSS ${mb(before.rssBytes)}; GET /healthz ${summary(idle)}`);

    // RSS every 25 ms; past the cap the API is killed, and the figure says so.
    let peakSeen = before.rssBytes;
    let killedAt: number | undefined;
    let started = performance.now();
    const sampler = setInterval(() => {
      if (api.exitCode !== null || api.signalCode !== null) return;
      const { rssBytes } = memoryOf(pid);
      // A process being killed has no VmRSS line any more.
      if (Number.isFinite(rssBytes)) peakSeen = Math.max(peakSeen, rssBytes);
      if (rssBytes > rssCapBytes && killedAt === undefined) {
        killedAt = performance.now() - started;
        api.kill("SIGKILL");
      }
    }, 25);

    const attacker = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        fileURLToPath(new URL("./attacker.ts", import.meta.url)),
        `${baseUrl}/pulsar.v1.MonitorService/ListMonitors`,
        bombFile,
        String(attackMs / 1000),
        String(concurrency),
        mode === "chunked" ? "chunked" : "declared",
        token,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    attacker.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const attackerDone = once(attacker, "exit");
    let attacking = true;
    void attackerDone.then(() => (attacking = false));
    while (attacking && !output.includes("\n")) await sleep(5);
    started = performance.now();
    const probes: Answer[] = [];
    while (attacking && killedAt === undefined) {
      probes.push(await getOnce(`${baseUrl}/healthz`, 10_000));
      await sleep(20);
    }
    if (killedAt !== undefined) attacker.kill("SIGTERM");
    await attackerDone;
    const json = output.slice(output.indexOf("\n") + 1);
    const answers: Answer[] = json ? (JSON.parse(json) as Answer[]) : [];
    clearInterval(sampler);
    const elapsed = performance.now() - started;
    const alive = api.exitCode === null && api.signalCode === null;
    const peak = alive ? Math.max(memoryOf(pid).peakRssBytes || 0, peakSeen) : peakSeen;

    const byStatus = new Map<number, number>();
    for (const { status } of answers) byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    const statuses = [...byStatus]
      .map(([status, n]) => `${n}× ${status === 0 ? "no answer" : status}`)
      .join(", ");
    console.log(
      `attack: ${answers.length} bodies in ${(elapsed / 1000).toFixed(1)} s (${statuses}); answered in ${summary(answers.filter((a) => a.status !== 0).map((a) => a.ms))}`,
    );
    console.log(
      `peak RSS: ${mb(peak)}${killedAt === undefined ? "" : ` — killed at the ${mb(rssCapBytes)} cap after ${(killedAt / 1000).toFixed(1)} s`} (goal < 300 MB)`,
    );
    const failed = probes.filter((p) => p.status !== 200).length;
    console.log(
      `GET /healthz during the attack: ${summary(probes.filter((p) => p.status === 200).map((p) => p.ms))}${failed ? `; ${failed} failed` : ""} (goal p99 < 100 ms)`,
    );
  } finally {
    if (api.exitCode === null && api.signalCode === null) {
      api.kill("SIGTERM");
      const timer = setTimeout(() => api.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await db.drop();
    built.remove();
    rmSync(bombFile, { force: true });
  }
}

await main();
