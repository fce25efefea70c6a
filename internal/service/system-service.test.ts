import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckResultSchema } from "../../gen/pulsar/v1/check_pb.js";
import { createTestOrg } from "../../test/support/accounts.js";
import { eventually } from "../../test/support/eventually.js";
import { clientIp, cookieOf, postRpc, uniqueEmail } from "../../test/support/rpc-json.js";
import { startTestApi, type TestApi } from "../../test/support/test-api.js";
import { silentLogger } from "../core/logger.js";
import { createMetricsRegistry } from "../metrics/registry.js";
import {
  type RegistryPublisher,
  startRegistryPublisher,
} from "../metrics/system/registry-publisher.js";
import { createWorkerMetrics, type WorkerMetrics } from "../metrics/worker-metrics.js";

// SystemService through the real API over HTTP: who may call it, and the figures of a real
// worker registry published through the real Redis.

const FAST_SCRYPT = { log2N: 10, r: 8, p: 1 };

let api: TestApi;
let worker: WorkerMetrics;
let publisher: RegistryPublisher;
/** The operator organization's admin (the installation's first sign-up), and another's. */
let operatorAdmin: string;
let otherAdmin: string;
let operatorMember: string;
let operatorToken: string;

const call = (rpc: string, body: unknown, headers: Record<string, string>) =>
  postRpc(api.baseUrl, rpc, body, headers);

async function signUp(fields: Record<string, string> = {}) {
  const answer = await call(
    "AuthService/SignUp",
    {
      email: uniqueEmail(),
      password: "correct horse battery",
      name: "Ada",
      orgName: "Org",
      ...fields,
    },
    { "x-forwarded-for": clientIp() },
  );
  return cookieOf(answer);
}

beforeAll(async () => {
  api = await startTestApi("system-service", { trustProxy: true, passwordParams: FAST_SCRYPT });
  operatorAdmin = await signUp();
  otherAdmin = await signUp();
  const email = uniqueEmail();
  const invited = await call("AuthService/CreateInvitation", { email }, { cookie: operatorAdmin });
  operatorMember = await signUp({ email, invitationToken: String(invited.body.invitationToken) });
  const token = await call(
    "AuthService/CreateApiToken",
    { name: "ops", scope: "TOKEN_SCOPE_API" },
    { cookie: operatorAdmin },
  );
  operatorToken = String(token.body.token);
  worker = createWorkerMetrics(createMetricsRegistry());
  publisher = startRegistryPublisher({
    registry: worker.registry,
    redis: api.redis,
    prefix: api.prefix,
    kind: "worker",
    id: "test-worker:1",
    log: silentLogger,
    intervalMs: 200,
  });
});

afterAll(async () => {
  await publisher?.stop();
  await api?.close();
});

describe("SystemService", () => {
  it("shows a system admin the checks per second a worker's registry reports", async () => {
    const check = create(CheckResultSchema, { up: true, timing: { totalMs: 5 } });
    await eventually(
      async () => {
        for (let i = 0; i < 10; i++) worker.observeCheck(check, 3);
        const answer = await call("SystemService/GetSystemStats", {}, { cookie: operatorAdmin });
        expect(answer.status).toBe(200);
        return ((answer.body.checksPerSecond as number | undefined) ?? 0) > 0 || undefined;
      },
      { what: "checks per second above zero", timeoutMs: 10_000, intervalMs: 300 },
    );
    const answer = await call(
      "SystemService/GetSystemStats",
      { windowSeconds: 10 },
      { cookie: operatorAdmin },
    );
    expect(answer.body).toMatchObject({
      workers: 1,
      processes: [{ kind: "worker", id: "test-worker:1" }],
    });
    expect(answer.body.checksPerSecond).toBeGreaterThan(0);
    expect(answer.body.latenessP50Ms).toBeGreaterThan(0);
  });

  it("refuses everyone else: another organization's admin, a member, an API token", async () => {
    const callers: Record<string, string>[] = [
      { cookie: otherAdmin },
      { cookie: operatorMember },
      { authorization: `Bearer ${operatorToken}` },
    ];
    for (const headers of callers) {
      const answer = await call("SystemService/GetSystemStats", {}, headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.body.code).toBe("permission_denied");
    }
  });

  it("refuses a window outside 10–3600 seconds, naming the field", async () => {
    const answer = await call(
      "SystemService/GetSystemStats",
      { windowSeconds: 5 },
      { cookie: operatorAdmin },
    );
    expect(answer.body).toMatchObject({
      code: "invalid_argument",
      message: "windowSeconds must be between 10 and 3600",
    });
  });

  it("tells Me's caller whether they are a system admin", async () => {
    const me = async (headers: Record<string, string>) =>
      (await call("AuthService/Me", {}, headers)).body.systemAdmin ?? false;
    expect(await me({ cookie: operatorAdmin })).toBe(true);
    expect(await me({ cookie: otherAdmin })).toBe(false);
    expect(await me({ cookie: operatorMember })).toBe(false);
    expect(await me({ authorization: `Bearer ${operatorToken}` })).toBe(false);
    // A later organization made straight in the database changes nothing.
    const later = await createTestOrg(api.db.pool);
    expect(await me({ authorization: `Bearer ${later.apiToken}` })).toBe(false);
  });
});
