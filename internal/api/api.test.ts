import type { Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MonitorService } from "../../gen/pulsar/v1/monitor_pb.js";
import { createTestOrg } from "../../test/support/accounts.js";
import { listenApi } from "../../test/support/api-server.js";
import { serviceClient, startTestApi, type TestApi } from "../../test/support/test-api.js";
import { createCheckSchedule } from "../checks/queue/check-schedule.js";
import { createMonitorScheduler } from "../checks/queue/schedules.js";
import { silentLogger } from "../core/logger.js";
import { createRedis } from "../redis/redis.js";
import { createApi } from "./app.js";

// The HTTP server itself, whatever the service behind it: the credential gate every RPC passes
// and the health endpoints. Each service's own tests sit beside it in internal/service/.

let api: TestApi;
let client: Client<typeof MonitorService>;

beforeAll(async () => {
  api = await startTestApi("api");
  client = serviceClient(MonitorService, api.baseUrl, (await createTestOrg(api.db.pool)).apiToken);
});

afterAll(async () => {
  await api?.close();
});

describe("the credential gate", () => {
  it("answers every RPC without credentials, or with forged ones, with unauthenticated (HTTP 401)", async () => {
    for (const authorization of [
      undefined,
      "Bearer pulsar_api_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "Bearer nonsense",
      "Basic dXNlcjpwYXNz",
    ]) {
      for (const rpc of ["ListMonitors", "CreateMonitor", "GetMonitor"]) {
        const res = await fetch(`${api.baseUrl}/pulsar.v1.MonitorService/${rpc}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(authorization && { authorization }) },
          body: JSON.stringify(
            rpc === "CreateMonitor" ? { monitor: { name: "x", url: "http://127.0.0.1:9/" } } : {},
          ),
        });
        expect(res.status, `${rpc} with ${authorization}`).toBe(401);
        expect(((await res.json()) as { code: string }).code).toBe("unauthenticated");
      }
    }
    expect((await client.listMonitors({})).monitors).toEqual([]);
  });
});

describe("health endpoints", () => {
  it("serves /healthz and /readyz while Postgres and Redis answer", async () => {
    expect((await fetch(`${api.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${api.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
  });

  it("answers /readyz with 503 naming Redis when Redis does not answer", async () => {
    const deadRedis = createRedis("redis://127.0.0.1:1", "command", "dead");
    const withDeadRedis = createApi({
      pool: api.db.pool,
      redis: deadRedis,
      prefix: api.prefix,
      scheduler: createMonitorScheduler({
        schedule: createCheckSchedule(api.redis, api.prefix),
        queue: api.queue,
      }),
      log: silentLogger,
    });
    const dead = await listenApi(withDeadRedis);
    try {
      const res = await fetch(`${dead.baseUrl}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { message: string; failed: Record<string, string> };
      expect(body.message).toBe("not ready: redis unavailable");
      expect(Object.keys(body.failed)).toEqual(["redis"]);
      expect((await fetch(`${dead.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await dead.close();
      deadRedis.disconnect();
    }
  });
});
