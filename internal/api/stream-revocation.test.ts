import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { bearerHeaders, connectClient } from "../../test/support/stream-clients.js";
import { type CheckQueue, createCheckQueue } from "../checks/queue/check-queue.js";
import { createCheckSchedule } from "../checks/queue/check-schedule.js";
import { createMonitorScheduler } from "../checks/queue/schedules.js";
import { silentLogger } from "../core/logger.js";
import { createRedis } from "../redis/redis.js";
import { createApi } from "./app.js";
import { authorizeUpgrade } from "./ws/authorize.js";
import { CLOSE_POLICY_VIOLATION, createStreamGateway, type StreamGateway } from "./ws/gateway.js";

// The API and the stream on one server, as cmd/api wires them: revoking a credential through
// the API closes the live streams opened with it.

let db: TestDatabase;
let redis: Redis;
let subscriber: Redis;
let queueConnection: Redis;
let queue: CheckQueue;
let gateway: StreamGateway;
let server: Server;
let base: string;
const prefix = uniquePrefix("revoke");

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "revoke-test");
  subscriber = createRedis(TEST_REDIS_URL, "bullmq", "revoke-test-sub");
  queueConnection = createRedis(TEST_REDIS_URL, "bullmq", "revoke-test-queue");
  queue = createCheckQueue(queueConnection, prefix);
  const api = createApi({
    pool: db.pool,
    redis,
    prefix,
    scheduler: createMonitorScheduler({ schedule: createCheckSchedule(redis, prefix), queue }),
    log: silentLogger,
    passwordParams: { log2N: 10, r: 8, p: 1 },
  });
  gateway = createStreamGateway({
    pool: db.pool,
    subscriber,
    redis,
    prefix,
    sharedHosts: true,
    log: silentLogger,
    authorize: authorizeUpgrade({ pool: db.pool, log: silentLogger }),
  });
  server = createServer(api.handler);
  server.on("upgrade", gateway.handleUpgrade);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  await gateway.ready;
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await gateway.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await queue.close();
  for (const connection of [redis, subscriber, queueConnection]) connection.disconnect();
  await db.drop();
});

async function rpc(method: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`http://${base}/pulsar.v1.AuthService/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { body: (await res.json()) as Record<string, unknown>, res };
}

async function signUp(email: string): Promise<string> {
  const { res } = await rpc("SignUp", {
    email,
    password: "a long enough password",
    name: "R",
    orgName: "Revokers",
  });
  return res.headers.get("set-cookie")?.split(";")[0] ?? "";
}

describe("revoking credentials closes their live streams", () => {
  it("closes the stream of a session that signed out, and only that one", async () => {
    const cookie = await signUp("signout@example.test");
    const other = await signUp("stays@example.test");
    const signedOut = await connectClient(`ws://${base}/ws`, { cookie });
    const staying = await connectClient(`ws://${base}/ws`, { cookie: other });
    await rpc("SignOut", {}, { cookie });
    expect(await signedOut.closed).toEqual({
      code: CLOSE_POLICY_VIOLATION,
      reason: "credentials revoked",
    });
    // A new connection with the old cookie is refused outright.
    await expect(connectClient(`ws://${base}/ws`, { cookie })).rejects.toThrow(/401/);
    expect(staying.socket.readyState).toBe(staying.socket.OPEN);
    staying.socket.terminate();
  });

  it("closes every stream of a user who signed out everywhere, and those of a revoked token", async () => {
    const cookie = await signUp("everywhere@example.test");
    const created = await rpc("CreateApiToken", { name: "stream" }, { cookie });
    const token = String(created.body.token);
    const tokenId = (created.body.apiToken as { id: string }).id;
    const kept = await rpc("CreateApiToken", { name: "kept" }, { cookie });
    const byToken = await connectClient(`ws://${base}/ws`, bearerHeaders(token));
    const byKeptToken = await connectClient(
      `ws://${base}/ws`,
      bearerHeaders(String(kept.body.token)),
    );
    const byCookie = await connectClient(`ws://${base}/ws`, { cookie });

    await rpc("RevokeApiToken", { id: tokenId }, { cookie });
    expect((await byToken.closed).code).toBe(CLOSE_POLICY_VIOLATION);
    await rpc("SignOut", { everywhere: true }, { cookie });
    expect((await byCookie.closed).code).toBe(CLOSE_POLICY_VIOLATION);
    // A token is not a session: signing out leaves the organization's scripts alone.
    expect(byKeptToken.socket.readyState).toBe(byKeptToken.socket.OPEN);
    byKeptToken.socket.terminate();
  });
});
