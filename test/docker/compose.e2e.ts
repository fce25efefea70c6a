import { timestampDate } from "@bufbuild/protobuf/wkt";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthService } from "../../gen/pulsar/v1/auth_pb.js";
import type { CheckResult } from "../../gen/pulsar/v1/check_pb.js";
import { MonitorService } from "../../gen/pulsar/v1/monitor_pb.js";
import { bearer } from "../support/accounts.js";
import { launchChromium } from "../support/chromium.js";
import { eventually } from "../support/eventually.js";
import { connectClient } from "../support/stream-clients.js";
import { type ComposeStack, composeStack, counterSum } from "./compose-stack.js";

// docker-compose.yml under a real engine, used as a person would: the image built from the
// Dockerfile, Postgres and Redis (local stand-ins of the official images: .ci/docker/), two
// workers. .ci/docker/run prepares the engine and images and runs this file; it brings the
// project up itself, and takes it down with its volumes at the end.

const MONITORS = 8;
const PASSWORD = "correct horse battery";
const TARGET = "pulsar-ci-target";

let stack: ComposeStack;
let monitors: Client<typeof MonitorService>;
let apiToken = "";
const monitorIds: string[] = [];
let browser: Browser | undefined;

/** The results of a monitor since `since`, newest first. */
async function resultsSince(monitorId: string, since: Date): Promise<CheckResult[]> {
  const { results } = await monitors.listCheckResults({
    monitorId,
    since: { seconds: BigInt(Math.floor(since.getTime() / 1000)), nanos: 0 },
    limit: 100,
  });
  return results;
}

/** Waits until every monitor has an UP result checked after `since`. */
async function everyMonitorUpAfter(since: Date, what: string, timeoutMs: number) {
  await eventually(
    async () => {
      for (const id of monitorIds) {
        const results = await resultsSince(id, since);
        const fresh = results.filter(
          (r) => r.up && r.checkedAt && timestampDate(r.checkedAt) > since,
        );
        if (fresh.length === 0) return false;
      }
      return true;
    },
    { what, timeoutMs, intervalMs: 1000 },
  );
}

/** A MonitorService client of its own connections, holding the API token. */
function monitorClient(): Client<typeof MonitorService> {
  const transport = createConnectTransport({
    baseUrl: stack.baseUrl,
    httpVersion: "1.1",
    interceptors: [bearer(apiToken)],
  });
  return createClient(MonitorService, transport);
}

/** Waits until the API answers through the published port. */
async function waitPublished(timeoutMs: number) {
  await eventually(
    () =>
      fetch(`${stack.baseUrl}/readyz`).then(
        (response) => response.ok,
        () => false,
      ),
    { what: `${stack.baseUrl}/readyz to answer 200`, timeoutMs, intervalMs: 250 },
  );
}

beforeAll(async () => {
  stack = composeStack();
  // A leftover of an interrupted run would hold the published port and old volumes.
  await stack.compose("down", "-v", "--remove-orphans");
  await stack.docker("rm", "-f", TARGET).catch(() => "");
});

afterAll(async () => {
  await browser?.close();
  if (!stack) return;
  await stack.docker("rm", "-f", TARGET).catch(() => "");
  // PULSAR_DOCKER_KEEP=1 leaves the stack up to look into a failure.
  if (process.env.PULSAR_DOCKER_KEEP !== "1") await stack.compose("down", "-v", "--remove-orphans");
});

describe("docker-compose.yml on a real engine", () => {
  it("comes up with two workers, every service healthy", async () => {
    const started = performance.now();
    await stack.compose("up", "-d", "--scale", "worker=2");
    await stack.waitHealthy(180_000);
    await waitPublished(10_000);
    const seconds = (performance.now() - started) / 1000;
    console.log(`docker-compose up → every service healthy: ${seconds.toFixed(1)} s`);
    expect(await stack.containers("worker")).toHaveLength(2);
    expect(await stack.containers("api")).toHaveLength(1);
  });

  it("signs up through the published port and makes an API token", async () => {
    const transport = createConnectTransport({ baseUrl: stack.baseUrl, httpVersion: "1.1" });
    const auth = createClient(AuthService, transport);
    let cookie = "";
    const signedUp = await auth.signUp(
      { email: "ops@example.test", password: PASSWORD, name: "Ops", orgName: "Docker CI" },
      { onHeader: (headers) => (cookie = headers.get("set-cookie")?.split(";")[0] ?? "") },
    );
    expect(signedUp.organization?.name).toBe("Docker CI");
    expect(cookie).toMatch(/=/);
    const created = await auth.createApiToken({ name: "compose e2e" }, { headers: { cookie } });
    apiToken = created.token;
    expect(apiToken.length).toBeGreaterThan(20);
    monitors = monitorClient();
  });

  it("checks a target container on the compose network: UP, with its waterfall", async () => {
    // The target runs on the Pulsar image's Node: no other image is at hand without a registry.
    await stack.docker(
      ...["run", "-d", "--init", "--name", TARGET, "--network", stack.network],
      ...[process.env.PULSAR_IMAGE ?? "", "node", "-e"],
      "require('node:http').createServer((q, s) => s.end('ok ' + q.url)).listen(8080)",
    );
    for (let n = 0; n < MONITORS; n += 1) {
      const { monitor } = await monitors.createMonitor({
        monitor: { name: `target ${n}`, url: `http://${TARGET}:8080/${n}`, intervalSeconds: 10 },
      });
      monitorIds.push(monitor?.id ?? "");
    }
    const first = monitorIds[0] ?? "";
    const result = await eventually(
      async () => (await resultsSince(first, new Date(0))).find((r) => r.up),
      { what: "an UP result of the target", timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(result.statusCode).toBe(200);
    expect(result.error).toBe("");
    // A fresh connection each check: a name resolved by Docker's DNS, a TCP connect, a first
    // byte and a body, each timed.
    expect(result.timing?.connectMs).toBeGreaterThan(0);
    expect(result.timing?.ttfbMs).toBeGreaterThan(0);
    expect(result.timing?.totalMs).toBeGreaterThan(0);
    expect(result.remoteAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it("spreads the checks over both workers", async () => {
    const workers = await stack.containers("worker");
    const perWorker = await eventually(
      async () => {
        const counts = await Promise.all(
          workers.map(async (id) =>
            counterSum(await stack.metrics(id), "pulsar_checks_total", { outcome: "up" }),
          ),
        );
        return counts.every((count) => count > 0) ? counts : false;
      },
      { what: "both workers to have run checks", timeoutMs: 90_000, intervalMs: 2000 },
    );
    console.log(`checks run per worker: ${perWorker.join(", ")}`);
    expect(perWorker).toHaveLength(2);
  });

  it("streams a worker container's host sample to the dashboard's socket", async () => {
    const workers = await stack.containers("worker");
    const hostnames = await Promise.all(
      workers.map((id) => stack.docker("inspect", "-f", "{{.Config.Hostname}}", id)),
    );
    const client = await connectClient(`${stack.baseUrl.replace(/^http/, "ws")}/ws`, {
      authorization: `Bearer ${apiToken}`,
    });
    try {
      client.send({ subscribe: ["hosts"] });
      const frames = await client.waitFor(
        (all) => all.some((frame) => frame.hostSample && !frame.replay),
        30_000,
      );
      const live = frames.find((frame) => frame.hostSample && !frame.replay);
      expect(live?.hostSample?.hostId).toBe("pulsar-docker");
      expect(hostnames).toContain(live?.hostSample?.hostname);
    } finally {
      client.socket.close();
    }
  });

  it("opens the dashboard in Chromium through the published port", async () => {
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${stack.baseUrl}/`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.getByLabel("Email").fill("ops@example.test");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "target 0" }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole("link", { name: /^target \d$/ }).count()).toBe(MONITORS);
  });

  it("resumes checking by itself after Redis restarts and a worker is killed", async () => {
    const [victim] = await stack.containers("worker");
    const restartsBefore = Number(
      await stack.docker("inspect", "-f", "{{.RestartCount}}", victim ?? ""),
    );
    await stack.compose("restart", "redis");
    await stack.killMainProcess(victim ?? "");
    const afterFaults = new Date();
    // Docker restarts the crashed worker (restart: unless-stopped) and it turns healthy again.
    await eventually(
      async () =>
        Number(await stack.docker("inspect", "-f", "{{.RestartCount}}", victim ?? "")) >
        restartsBefore,
      { what: "Docker to restart the killed worker", timeoutMs: 60_000, intervalMs: 500 },
    );
    await stack.waitHealthy(120_000);
    await everyMonitorUpAfter(afterFaults, "every monitor checked after the faults", 90_000);
  });

  it("keeps its data over `down` and `up` (volumes kept)", async () => {
    const first = monitorIds[0] ?? "";
    const before = (await resultsSince(first, new Date(0))).length;
    // `down` removes the project's network, which the target container must leave first; it
    // joins the new one after `up`.
    await stack.docker("network", "disconnect", stack.network, TARGET);
    await stack.compose("down");
    await stack.compose("up", "-d", "--scale", "worker=2");
    await stack.docker("network", "connect", stack.network, TARGET);
    await stack.waitHealthy(180_000);
    await waitPublished(10_000);
    // The API behind the published port is a new process: connections kept alive to the old
    // one are gone, so a new client, as a browser reloading the page would.
    monitors = monitorClient();
    const { monitors: listed } = await monitors.listMonitors({});
    expect(listed.map((m) => m.id).sort()).toEqual([...monitorIds].sort());
    expect((await resultsSince(first, new Date(0))).length).toBeGreaterThanOrEqual(before);
    await everyMonitorUpAfter(new Date(), "every monitor checked after `up` again", 90_000);
  });
});
