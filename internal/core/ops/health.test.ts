import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { closedPort } from "../../../test/support/targets.js";
import { createLogger } from "../logger.js";
import { createHealthHandler, type Probe } from "./health.js";

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** serve listens with a health handler over `probes` and returns its origin and log lines. */
async function serve(probes: Record<string, Probe>) {
  const lines: string[] = [];
  const log = createLogger("api", "info", { write: (line: string) => lines.push(line) });
  const health = createHealthHandler(probes, log);
  const server = createServer((req, res) => {
    void health(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { origin, logged };
}

const answers: Probe = async () => "PONG";

describe("the health endpoints", () => {
  it("answer /healthz always, /readyz when every dependency answers, and leave other paths", async () => {
    const { origin } = await serve({ postgres: answers, redis: answers });
    const healthz = await fetch(`${origin}/healthz`);
    expect(healthz.status).toBe(200);
    expect(await healthz.json()).toEqual({ status: "ok" });
    const readyz = await fetch(`${origin}/readyz?verbose=1`);
    expect(readyz.status).toBe(200);
    expect(readyz.headers.get("cache-control")).toBe("no-store");
    expect(await readyz.json()).toEqual({ status: "ready" });
    expect((await fetch(`${origin}/readyz/extra`)).status).toBe(404);
  });

  it("names a failed Postgres on /readyz without the driver's words, and logs them", async () => {
    const port = await closedPort();
    const pool = new pg.Pool({
      connectionString: `postgres://pulsar_admin:hunter2@127.0.0.1:${port}/secret_db`,
      connectionTimeoutMillis: 1000,
    });
    try {
      const { origin, logged } = await serve({
        postgres: () => pool.query("SELECT 1"),
        redis: answers,
      });
      const readyz = await fetch(`${origin}/readyz`);
      expect(readyz.status).toBe(503);
      const text = await readyz.text();
      expect(JSON.parse(text)).toEqual({
        status: "unavailable",
        failed: { postgres: "failed" },
        message: "not ready: postgres unavailable",
      });
      expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|secret_db|pulsar_admin|hunter2/);
      // The operator still learns why, from the log.
      const [line] = logged();
      expect(line).toMatchObject({ level: "warn", dependency: "postgres" });
      expect(JSON.stringify(line?.error)).toContain("ECONNREFUSED");
    } finally {
      await pool.end();
    }
  });

  it("says a dependency timed out when it does not answer within 2 s", async () => {
    const { origin } = await serve({ postgres: answers, redis: () => new Promise(() => {}) });
    const readyz = await fetch(`${origin}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.json()).toMatchObject({
      failed: { redis: "timed out" },
      message: "not ready: redis unavailable",
    });
  });

  it("counts a probe that answers false as failed", async () => {
    const { origin } = await serve({ redis: async () => false });
    expect(await (await fetch(`${origin}/readyz`)).json()).toMatchObject({
      failed: { redis: "failed" },
    });
  });

  it("shares one round of probes among concurrent /readyz requests, and logs a failure once", async () => {
    let calls = 0;
    const slowFailure: Probe = () => {
      calls += 1;
      return new Promise((_, reject) =>
        setTimeout(() => reject(new Error("password authentication failed")), 300),
      );
    };
    const { origin, logged } = await serve({ postgres: slowFailure });
    const answered = await Promise.all(
      Array.from({ length: 50 }, () => fetch(`${origin}/readyz`).then((res) => res.status)),
    );
    expect(answered).toEqual(Array(50).fill(503));
    // Fifty requests within one 300 ms probe: a handful of rounds at most, never one each.
    expect(calls).toBeLessThanOrEqual(5);
    // Another failing round right after: the dependency is already reported as down.
    expect((await fetch(`${origin}/readyz`)).status).toBe(503);
    expect(logged()).toHaveLength(1);
  });
});
