import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:net";
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckErrorKind, CheckTargetSchema } from "../../gen/pulsar/v1/check_pb.js";
import { alwaysBlockedReason } from "../netpolicy/address-policy.js";
import { createOwnServiceGuard, ownServicesOf } from "./own-services.js";
import { createCheckRunner } from "./run-target.js";

// A stand-in for Pulsar's Redis: it records whatever bytes reach it.
let redis: Server;
let port: number;
const received: string[] = [];

beforeAll(async () => {
  redis = createServer((socket) => {
    socket.on("data", (chunk) => received.push(chunk.toString()));
    socket.on("error", () => {});
    socket.end("+PONG\r\n");
  });
  await new Promise<void>((resolve) => redis.listen(0, "127.0.0.1", resolve));
  port = (redis.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => redis.close(resolve));
});

describe("Pulsar's own services", () => {
  it("reads where Redis and Postgres are from their URLs", () => {
    expect(
      ownServicesOf({ redisUrl: "redis://redis:6380/0", databaseUrl: "postgres://u@[::1]/db" }),
    ).toEqual([
      { name: "Redis", host: "redis", port: 6380 },
      { name: "Postgres", host: "::1", port: 5432 },
    ]);
  });

  it("refuses a TCP monitor that would write to them, and nothing reaches them", async () => {
    const guard = createOwnServiceGuard(ownServicesOf({ redisUrl: `redis://127.0.0.1:${port}` }));
    await guard.refresh();
    const run = createCheckRunner({ ownServices: guard });
    const target = (host: string, send?: string) =>
      create(CheckTargetSchema, { timeoutMs: 2000, tcp: { host, port, send, expect: "PONG" } });

    const flush = await run(target("127.0.0.1", "FLUSHALL\\r\\n"), {});
    expect(flush).toMatchObject({ up: false, errorKind: CheckErrorKind.BLOCKED });
    expect(flush.error).toContain("Pulsar's own Redis");
    // By another loopback spelling or a name that resolves there, just the same.
    expect((await run(target("localhost", "FLUSHALL\\r\\n"), {})).errorKind).toBe(
      CheckErrorKind.BLOCKED,
    );
    expect(received).toEqual([]);
    // Connecting without a word is harmless and stays possible (is Redis up?).
    expect((await run(target("127.0.0.1"), {})).up).toBe(true);
    expect(received).toEqual([]);
  });

  it("leaves other ports and addresses to the usual policy", () => {
    const guard = createOwnServiceGuard([{ name: "Redis", host: "10.0.0.5", port: 6379 }]);
    const policy = guard.policyForPort(6379, alwaysBlockedReason);
    expect(policy("93.184.216.34")).toBeUndefined();
    expect(guard.policyForPort(6380, alwaysBlockedReason)).toBe(alwaysBlockedReason);
    expect(policy("169.254.169.254")).toBe(alwaysBlockedReason("169.254.169.254"));
  });

  it("refuses the service host's own addresses once resolved", async () => {
    const guard = createOwnServiceGuard(
      [{ name: "Redis", host: "redis", port: 6379 }],
      async () => ["172.18.0.3"],
    );
    await guard.refresh();
    expect(guard.policyForPort(6379, alwaysBlockedReason)("172.18.0.3")).toContain(
      "Pulsar's own Redis",
    );
  });
});
