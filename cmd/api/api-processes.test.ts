import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../internal/launcher/free-port.js";
import { createRedis } from "../../internal/redis/redis.js";
import { createStreamPublisher } from "../../internal/stream/publisher.js";
import { createTestOrg } from "../../test/support/accounts.js";
import { eventually } from "../../test/support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import {
  bearerHeaders,
  connectClient,
  type Frame,
  hostSample,
} from "../../test/support/stream-clients.js";

// Two real cmd/api processes, as behind a load balancer: each holds its own Redis
// subscription, and a client on either one receives every event.

let db: TestDatabase;
let redis: Redis;
let prefix: string;
const apis: { child: ChildProcess; port: number }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "api-processes-test");
  prefix = uniquePrefix("apis");
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "cmd/api/main.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: prefix,
        PORT: String(port),
        LOG_LEVEL: "error",
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    apis.push({ child, port });
  }
  await Promise.all(
    apis.map(({ port }) =>
      eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, {
        what: `the API on port ${port} to be ready`,
        timeoutMs: 30_000,
      }),
    ),
  );
}, 60_000);

afterAll(async () => {
  for (const { child } of apis) if (child.exitCode === null) child.kill("SIGKILL");
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await db.drop();
});

describe("two API processes", () => {
  it("both deliver every event, and SIGTERM closes a process's clients with 1001", async () => {
    const org = await createTestOrg(db.pool);
    const clients = await Promise.all(
      apis.map(({ port }) =>
        connectClient(`ws://127.0.0.1:${port}/ws`, bearerHeaders(org.apiToken)),
      ),
    );
    for (const client of clients) client.send({ subscribe: ["host:two-apis"] });
    const publisher = createStreamPublisher(redis, prefix);
    // Both processes subscribe asynchronously: probe until each client has seen a live event.
    await eventually(
      async () => {
        await publisher.publishHostSample(hostSample("two-apis", 1), org.orgId);
        return clients.every((c) => c.frames.some((x) => x.hostSample && !x.replay));
      },
      { what: "a client of each process to receive a live sample", timeoutMs: 10_000 },
    );
    const start = Date.now();
    for (let i = 0; i < 10; i++)
      await publisher.publishHostSample(hostSample("two-apis", start + i), org.orgId);
    const isNew = (x: Frame) =>
      !x.replay && x.hostSample !== undefined && Date.parse(x.hostSample.sampledAt) >= start;
    for (const client of clients) {
      const frames = await client.waitFor((f) => f.filter(isNew).length >= 10, 10_000);
      const live = frames.filter(isNew);
      // As instants: protobuf's JSON writes a whole second without its ".000".
      expect(live.map((x) => Date.parse(x.hostSample?.sampledAt ?? ""))).toEqual(
        Array.from({ length: 10 }, (_, i) => start + i),
      );
    }

    const [first] = apis;
    first?.child.kill("SIGTERM");
    expect((await clients[0]?.closed)?.code).toBe(1001);
    const [code] = (await once(first?.child as ChildProcess, "exit")) as [number | null];
    expect(code).toBe(0);
    // The other process goes on serving.
    await publisher.publishHostSample(hostSample("two-apis", start + 100), org.orgId);
    await clients[1]?.waitFor((f) => f.filter(isNew).length >= 11, 5000);
  }, 60_000);
});
