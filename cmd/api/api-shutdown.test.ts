import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../internal/launcher/free-port.js";
import { eventually } from "../../test/support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";

// A real cmd/api process told to stop while it is answering: SignUp hashes the password with
// scrypt (~0.5 s), so a SignUp sent just before SIGTERM is in flight when the signal lands.

let db: TestDatabase;
let api: ChildProcess;
let port: number;

beforeAll(async () => {
  db = await createTestDatabase();
  port = await freePort();
  api = spawn(process.execPath, ["--import", "tsx", "cmd/api/main.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniquePrefix("api-shutdown"),
      PORT: String(port),
      LOG_LEVEL: "error",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, {
    what: "the API to be ready",
    timeoutMs: 30_000,
  });
}, 60_000);

afterAll(async () => {
  if (api.exitCode === null) api.kill("SIGKILL");
  await db.drop();
});

/** post sends one JSON RPC and resolves once the whole request has been written. */
function post(path: string, body: unknown) {
  const payload = JSON.stringify(body);
  const request = http.request({
    host: "127.0.0.1",
    port,
    path,
    method: "POST",
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
  });
  const response = new Promise<{ status: number; cookie: string[]; body: string }>(
    (resolve, reject) => {
      request.on("error", reject);
      request.on("response", (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            cookie: res.headers["set-cookie"] ?? [],
            body: text,
          }),
        );
      });
    },
  );
  const sent = new Promise<void>((resolve) => request.end(payload, () => resolve()));
  return { sent, response };
}

describe("cmd/api on SIGTERM", () => {
  it("finishes the RPC in flight, refuses new connections, then exits 0", async () => {
    const signUp = post("/pulsar.v1.AuthService/SignUp", {
      email: "shutdown@example.test",
      password: "a long enough passphrase",
      name: "Shutdown",
      orgName: "Shutdown org",
    });
    let answeredAt = Number.POSITIVE_INFINITY;
    void signUp.response.then(() => (answeredAt = Date.now()));
    await signUp.sent;
    // The request is parsed and scrypt is running (a fraction of its ~0.5 s).
    await new Promise((resolve) => setTimeout(resolve, 100));
    api.kill("SIGTERM");

    // Listening stops at once: a new connection is refused while the SignUp still runs.
    await eventually(
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          () => false,
          (error: unknown) =>
            (error as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED",
        ),
      { what: "a new connection to be refused", timeoutMs: 5000 },
    );
    expect(Date.now()).toBeLessThan(answeredAt);

    const answer = await signUp.response;
    expect(answer.status).toBe(200);
    expect(answer.cookie.join(";")).toContain("pulsar_session=");
    const [code] = (await once(api, "exit")) as [number | null];
    expect(code).toBe(0);
    // What was answered was stored.
    const { rows } = await db.pool.query("SELECT 1 FROM users WHERE email = $1", [
      "shutdown@example.test",
    ]);
    expect(rows).toHaveLength(1);
  }, 30_000);
});
