import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../internal/launcher/free-port.js";
import { eventually } from "../../test/support/eventually.js";
import { startHttpTarget } from "../../test/support/targets.js";

// The launcher behind `npm start`, run as a person would: no DATABASE_URL and no Redis at
// REDIS_URL, so it must bring up the embedded Postgres and a private redis-server itself.

let stateDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "pulsar-launcher-"));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await rm(stateDir, { recursive: true, force: true });
});

function launch(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.REDIS_URL;
  const child = spawn(process.execPath, ["--import", "tsx", "cmd/pulsar/main.ts"], {
    env: { ...base, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  return { child, output: () => output };
}

/**
 * untilExit makes eventually give up as soon as the launcher has exited (it will not come up
 * then) and end its failure message with the launcher's output.
 */
function untilExit(launched: { child: ChildProcess; output: () => string }) {
  return {
    intervalMs: 200,
    giveUp: () => {
      const { exitCode, signalCode } = launched.child;
      if (exitCode === null && signalCode === null) return undefined;
      return `the launcher exited (${exitCode ?? signalCode})`;
    },
    detail: () => `launcher output:\n${launched.output()}`,
  };
}

const rpc = async (port: number, method: string, body: unknown, cookie = "") => {
  const res = await fetch(`http://127.0.0.1:${port}/pulsar.v1.${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify(body),
  });
  return {
    body: (await res.json()) as Record<string, unknown>,
    cookie: res.headers.get("set-cookie")?.split(";")[0] ?? "",
  };
};

describe("npm start's launcher", () => {
  it("runs the product on embedded Postgres and a private Redis, and stops it all on SIGTERM", async () => {
    const target = await startHttpTarget();
    const port = await freePort();
    const closedRedis = `redis://127.0.0.1:${await freePort()}`;
    const launched = launch({
      PORT: String(port),
      REDIS_URL: closedRedis,
      PULSAR_STATE_DIR: stateDir,
    });
    try {
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, {
        what: "the launcher's /readyz to answer 200",
        timeoutMs: 45_000,
        ...untilExit(launched),
      });
      // The first person to open a fresh install signs up and becomes its admin.
      const { cookie } = await rpc(port, "AuthService/SignUp", {
        email: "admin@example.test",
        password: "a long enough password",
        name: "Admin",
        orgName: "Home",
      });
      expect(cookie).toMatch(/^pulsar_session=/);
      const created = (
        await rpc(
          port,
          "MonitorService/CreateMonitor",
          { monitor: { name: "t", url: `${target.url}/ok` } },
          cookie,
        )
      ).body as { monitor: { id: string } };
      await eventually(
        async () => {
          const { monitor } = (
            await rpc(port, "MonitorService/GetMonitor", { id: created.monitor.id }, cookie)
          ).body as { monitor: { status: string } };
          return monitor.status === "MONITOR_STATUS_UP";
        },
        { what: "the monitor to come up", timeoutMs: 15_000, ...untilExit(launched) },
      );
      expect(existsSync(join(stateDir, "postgres", "data", "postmaster.pid"))).toBe(true);
      expect(existsSync(join(stateDir, "redis"))).toBe(true);

      launched.child.kill("SIGTERM");
      const [code] = (await once(launched.child, "exit")) as [number | null];
      expect(code).toBe(0);
      // Postgres removes its pid file only once it has shut down.
      expect(existsSync(join(stateDir, "postgres", "data", "postmaster.pid"))).toBe(false);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      await target.close();
    }
  }, 90_000);

  it("says in one line what to install when no Redis answers and redis-server is missing", async () => {
    const { child, output } = launch({
      DATABASE_URL: "postgres://postgres@127.0.0.1:1/none",
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      PATH: "/nonexistent",
      PULSAR_STATE_DIR: stateDir,
    });
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(1);
    expect(output()).toMatch(
      /^pulsar: no Redis answers at redis:\/\/127\.0\.0\.1:\d+ and redis-server is not on PATH: install Redis/m,
    );
  }, 30_000);
});
