import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../internal/launcher/free-port.js";

// The image's HEALTHCHECK command, run as Docker runs it: a process whose exit code counts.

let server: Server;
let base: string;
/** How the test server answers each path: a status, or never. */
const answers: Record<string, number | "hang"> = {
  "/healthz": 200,
  "/readyz": 503,
  "/slow": "hang",
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const answer = answers[req.url ?? ""] ?? 404;
    if (answer === "hang") return; // never answers: the command's own timeout must end it
    res.writeHead(answer).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** healthcheck runs the command with `args` and resolves with its exit code and output. */
function healthcheck(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "cmd/healthcheck/main.ts", ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 20_000 },
      (error, stdout) => {
        const code = error ? Number((error as { code?: number }).code ?? -1) : 0;
        resolve({ code, stdout, ms: Date.now() - started });
      },
    );
  });
}

describe("the healthcheck command", () => {
  it("exits 0 when the URL answers 200", async () => {
    const { code, stdout } = await healthcheck([`${base}/healthz`]);
    expect(code).toBe(0);
    expect(stdout).toBe(`healthy: ${base}/healthz answered 200\n`);
  });

  it("exits 1 when the URL answers 503", async () => {
    const { code, stdout } = await healthcheck([`${base}/readyz`]);
    expect(code).toBe(1);
    expect(stdout).toBe(`unhealthy: ${base}/readyz answered 503\n`);
  });

  it("exits 1 when nothing listens on the port", async () => {
    const port = await freePort();
    const { code, stdout } = await healthcheck([`http://127.0.0.1:${port}/healthz`]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^unhealthy: .* ECONNREFUSED .*\n$/);
  });

  it("exits 1 after 3 s when the server never answers", async () => {
    const { code, stdout, ms } = await healthcheck([`${base}/slow`]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/no answer within 3000 ms/);
    expect(ms).toBeGreaterThanOrEqual(3000);
    expect(ms).toBeLessThan(10_000);
  });

  it("checks the API's /healthz on PORT when given no URL", async () => {
    const port = (server.address() as AddressInfo).port;
    const { code, stdout } = await healthcheck([], { PORT: String(port) });
    expect(code).toBe(0);
    expect(stdout).toBe(`healthy: http://127.0.0.1:${port}/healthz answered 200\n`);
  });

  it("exits 1, naming the variable, when PORT is not a port", async () => {
    const { code, stdout } = await healthcheck([], { PORT: "eighty" });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^unhealthy: .*PORT/);
  });
});
