import { toJson } from "@bufbuild/protobuf";
import { Code, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthService, TokenScope } from "../../gen/pulsar/v1/auth_pb.js";
import { type HostSample, HostSampleSchema, HostService } from "../../gen/pulsar/v1/host_pb.js";
import { IngestService } from "../../gen/pulsar/v1/ingest_pb.js";
import { bearer, createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { type IngestApi, startIngestApi } from "../../test/support/ingest-api.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { refusal } from "../../test/support/refusal.js";
import { bearerHeaders, connectClient, hostSample } from "../../test/support/stream-clients.js";
import { SESSION_COOKIE } from "../auth/cookies.js";
import { startSession } from "../auth/sessions.js";
import { writeHostSampleBatch } from "../hosts/server/hosts-db.js";

let db: TestDatabase;
let api: IngestApi;
let alpha: TestOrg;
let bravo: TestOrg;
let alphaAgent: string;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startIngestApi(db);
  alpha = await createTestOrg(db.pool, "Alpha");
  bravo = await createTestOrg(db.pool, "Bravo");
  alphaAgent = await alpha.token("agent");
});

afterAll(async () => {
  await api.close();
  await db.drop();
});

const transport = (baseUrl: string, auth: Interceptor) =>
  createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors: [auth] });
const ingest = (token: string, baseUrl = api.baseUrl) =>
  createClient(IngestService, transport(baseUrl, bearer(token)));
const hostService = (auth: Interceptor) => createClient(HostService, transport(api.baseUrl, auth));
const cookie =
  (secret: string): Interceptor =>
  (next) =>
  (req) => {
    req.header.set("cookie", `${SESSION_COOKIE}=${secret}`);
    return next(req);
  };

/** samples builds n consecutive samples of hostId, 500 ms apart, ending a second ago. */
const samples = (hostId: string, n: number): HostSample[] =>
  Array.from({ length: n }, (_, i) => hostSample(hostId, Date.now() - 1000 - (n - 1 - i) * 500));

async function stored(hostId: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM host_samples WHERE host_id = $1",
    [hostId],
  );
  return rows[0]?.n ?? 0;
}

/** post sends a PushSamples call as curl would (Connect JSON) and returns the HTTP status. */
async function post(headers: Record<string, string>, body: unknown = { samples: [] }) {
  const res = await fetch(`${api.baseUrl}/pulsar.v1.IngestService/PushSamples`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { code?: string; message?: string } };
}

describe("IngestService.PushSamples", () => {
  it("stores an agent's samples under its organization and publishes them to its subscribers", async () => {
    const watcher = await connectClient(api.wsUrl, bearerHeaders(alpha.apiToken));
    watcher.send({ subscribe: ["host:pushed-host"] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const batch = samples("pushed-host", 3);
    expect(await ingest(alphaAgent).pushSamples({ samples: batch })).toMatchObject({ accepted: 3 });

    expect(await stored("pushed-host")).toBe(3);
    const { rows } = await db.pool.query("SELECT org_id FROM hosts WHERE id = 'pushed-host'");
    expect(rows).toEqual([{ org_id: alpha.orgId }]);
    // Live, in the order sent.
    const frames = await watcher.waitFor((f) => f.filter((x) => x.hostSample).length >= 3);
    expect(frames.filter((f) => f.hostSample).map((f) => f.hostSample?.sampledAt)).toEqual(
      batch.map((s) => (toJson(HostSampleSchema, s) as { sampledAt?: string }).sampledAt),
    );
    watcher.socket.close();
    // Only its organization sees the host.
    expect(
      (await hostService(bearer(alpha.apiToken)).listHosts({})).hosts.map((h) => h.id),
    ).toContain("pushed-host");
    expect((await hostService(bearer(bravo.apiToken)).listHosts({})).hosts).toEqual([]);
  });

  it("stores a batch sent twice (a retry after a lost answer) once", async () => {
    const batch = samples("retried-host", 4);
    await ingest(alphaAgent).pushSamples({ samples: batch });
    await ingest(alphaAgent).pushSamples({ samples: batch });
    expect(await stored("retried-host")).toBe(4);
  });

  it("refuses the whole batch when one sample is invalid, naming the field, and stores nothing", async () => {
    const batch = samples("invalid-host", 4);
    const bad = batch[3];
    if (bad?.cpu) bad.cpu.totalPercent = 150;
    expect(await refusal(ingest(alphaAgent).pushSamples({ samples: batch }))).toEqual([
      Code.InvalidArgument,
      "samples[3].cpu.totalPercent must be between 0 and 100",
    ]);
    const nan = samples("invalid-host", 2);
    if (nan[1]?.memory) nan[1].memory.usedBytes = Number.NaN;
    expect(await refusal(ingest(alphaAgent).pushSamples({ samples: nan }))).toEqual([
      Code.InvalidArgument,
      "samples[1].memory.usedBytes must be a finite number",
    ]);
    expect(await refusal(ingest(alphaAgent).pushSamples({ samples: samples("x", 501) }))).toEqual([
      Code.InvalidArgument,
      "samples must hold between 1 and 500 samples",
    ]);
    expect(await stored("invalid-host")).toBe(0);
    // Plain HTTP clients get 400 with the same message.
    const sample = toJson(HostSampleSchema, hostSample("bad id!", Date.now()));
    expect(await post(bearerHeaders(alphaAgent), { samples: [sample] })).toMatchObject({
      status: 400,
      body: { code: "invalid_argument", message: expect.stringMatching(/^samples\[0\]\.hostId /) },
    });
  });

  it("refuses a host another organization has claimed, and stores nothing of the batch", async () => {
    await writeHostSampleBatch(
      db.pool,
      samples("bravo-host", 1).map((sample) => ({ orgId: bravo.orgId, sample })),
    );
    const batch = [...samples("alpha-own-host", 2), ...samples("bravo-host", 2)];
    const [code, message] = await refusal(ingest(alphaAgent).pushSamples({ samples: batch }));
    expect(code).toBe(Code.PermissionDenied);
    expect(message).toMatch(/^host bravo-host belongs to another organization/);
    expect(await stored("alpha-own-host")).toBe(0);
    expect(await stored("bravo-host")).toBe(1);
    // A shared worker's host is not the organization's to write either.
    await writeHostSampleBatch(
      db.pool,
      samples("shared-host", 1).map((sample) => ({ orgId: undefined, sample })),
    );
    expect(
      (await refusal(ingest(alphaAgent).pushSamples({ samples: samples("shared-host", 1) })))[0],
    ).toBe(Code.PermissionDenied);
    expect(await stored("shared-host")).toBe(1);
  });

  it("takes only agent tokens: API and worker tokens are forbidden, sessions and unknown tokens unauthenticated", async () => {
    const session = await startSession(db.pool, alpha.userId, new Date());
    expect(await post({})).toMatchObject({ status: 401, body: { code: "unauthenticated" } });
    expect(await post({ cookie: `${SESSION_COOKIE}=${session.secret}` })).toMatchObject({
      status: 401,
      body: { code: "unauthenticated" },
    });
    expect(await post(bearerHeaders(alpha.apiToken))).toMatchObject({
      status: 403,
      body: { code: "permission_denied" },
    });
    expect(await post(bearerHeaders(await alpha.token("worker")))).toMatchObject({
      status: 403,
      body: { code: "permission_denied" },
    });
    const unknown = `pulsar_agent_${"A".repeat(43)}`;
    expect(await post(bearerHeaders(unknown))).toMatchObject({
      status: 401,
      body: { code: "unauthenticated", message: expect.stringContaining("unknown or revoked") },
    });
    // And an agent token opens nothing else: not the RPCs, not the live stream.
    expect((await refusal(hostService(bearer(alphaAgent)).listHosts({})))[0]).toBe(
      Code.PermissionDenied,
    );
    await expect(connectClient(api.wsUrl, bearerHeaders(alphaAgent))).rejects.toThrow(/403/);
  });

  it("limits each agent token's samples per window with resource_exhausted", async () => {
    const limited = await startIngestApi(db, {
      limits: { samplesPerWindow: 5, windowSeconds: 60 },
    });
    try {
      const token = await alpha.token("agent");
      await ingest(token, limited.baseUrl).pushSamples({ samples: samples("limited-host", 3) });
      const [code, message] = await refusal(
        ingest(token, limited.baseUrl).pushSamples({ samples: samples("limited-host", 3) }),
      );
      expect(code).toBe(Code.ResourceExhausted);
      expect(message).toMatch(/more than 5 samples in 60 s; try again in \d+ s/);
      // Per token: another agent of the same organization is not held back.
      await ingest(await alpha.token("agent"), limited.baseUrl).pushSamples({
        samples: samples("limited-host-2", 3),
      });
      expect(await stored("limited-host")).toBe(3);
    } finally {
      await limited.close();
    }
  });
});

describe("HostService agent tokens", () => {
  it("lets a signed-in member create, list and revoke agent tokens; a revoked one gets 401 at once", async () => {
    const session = await startSession(db.pool, alpha.userId, new Date());
    const member = hostService(cookie(session.secret));
    const created = await member.createAgentToken({ name: "web-1" });
    expect(created.token).toMatch(/^pulsar_agent_[A-Za-z0-9_-]{43}$/);
    expect(created.apiToken).toMatchObject({ name: "web-1", scope: TokenScope.AGENT });

    // Listed with the organization's other agent tokens, never its API tokens; by any member
    // credential, an API token included.
    const listed = await hostService(bearer(alpha.apiToken)).listAgentTokens({});
    expect(listed.apiTokens.map((t) => t.scope)).not.toContain(TokenScope.API);
    expect(listed.apiTokens.map((t) => t.id)).toContain(created.apiToken?.id);
    expect((await hostService(bearer(bravo.apiToken)).listAgentTokens({})).apiTokens).toEqual([]);

    await ingest(created.token).pushSamples({ samples: samples("revoked-host", 1) });
    const id = created.apiToken?.id ?? "";
    // Another organization's id is not found, like an unknown one.
    expect((await refusal(hostService(bearer(bravo.apiToken)).revokeAgentToken({ id })))[0]).toBe(
      Code.NotFound,
    );
    await member.revokeAgentToken({ id });
    expect(
      await refusal(ingest(created.token).pushSamples({ samples: samples("revoked-host", 1) })),
    ).toEqual([Code.Unauthenticated, expect.stringContaining("unknown or revoked")]);
    expect(await post(bearerHeaders(created.token))).toMatchObject({ status: 401 });
  });

  it("does not let an API token create agent tokens, nor revoke an API token as an agent token", async () => {
    expect(
      await refusal(hostService(bearer(alpha.apiToken)).createAgentToken({ name: "x" })),
    ).toEqual([Code.PermissionDenied, expect.stringContaining("signed-in member")]);
    const me = await createClient(AuthService, transport(api.baseUrl, bearer(alpha.apiToken))).me(
      {},
    );
    expect(
      (
        await refusal(hostService(bearer(alpha.apiToken)).revokeAgentToken({ id: me.apiTokenId }))
      )[0],
    ).toBe(Code.NotFound);
    const session = await startSession(db.pool, alpha.userId, new Date());
    expect(
      await refusal(hostService(cookie(session.secret)).createAgentToken({ name: " " })),
    ).toEqual([Code.InvalidArgument, "name is required"]);
  });
});
